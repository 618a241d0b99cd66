"""One module per command of the CLI; see :data:`advisor.cli.COMMANDS`."""
