"""One module per command of the contract, each with run(args) -> exit status."""
