"""The segsvc v1 gRPC API.

``segmentation.proto`` is the source; ``segmentation_pb2*.py(i)`` are generated from it by
``scripts/gen_proto.sh`` and must not be edited by hand (a test regenerates them and compares).
"""
