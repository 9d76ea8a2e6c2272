"""The web application (``guozi serve``): a thin shell over :class:`guozi.workspace.Workspace`."""
