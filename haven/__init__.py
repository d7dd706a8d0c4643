"""Haven: case management and performance for children's social care."""
