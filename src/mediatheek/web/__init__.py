"""What the two interfaces (client and portal) share: permission decorators, request types, file responses."""
