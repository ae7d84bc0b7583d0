"""Transports translate between the wire and the service layer; they hold no business rules."""
