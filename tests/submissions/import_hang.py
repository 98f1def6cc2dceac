"""The module never finishes importing."""
while True:
    pass
