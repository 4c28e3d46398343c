"""Built-in edit tools."""
