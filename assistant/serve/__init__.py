"""`maestro serve`: maestro as a Wyoming protocol service (Home Assistant, its voice satellites): one handler per
connection (connection.py) over what every connection shares (host.py), events read within limits (events.py),
the programs described (info.py), and the address checked and served (server.py)."""
