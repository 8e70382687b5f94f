"""The model's mechanisms, one function each (DESIGN §2 "Mechanisms", docs/ODD.md §7).

Each function works on whole arrays (all municipalities, all staff, all citizens at once) and
cites the passage of the report it implements in its docstring.
"""
