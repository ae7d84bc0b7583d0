"""segsvc: the ALT_LAS Segmentation Service.

Turns a person's command, in Turkish or English, into an ALT document: ordered task segments with
types, parameters and dependencies, for the Runner Service to execute.
"""

__version__ = "0.1.0"
__all__ = ["__version__"]
