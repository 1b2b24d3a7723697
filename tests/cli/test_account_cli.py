"""login and logout: a verified token per server in a private config file."""

from __future__ import annotations

import stat

from tests.cli.helpers import Cli, one_error_line


def test_login_asks_for_the_token_hidden_and_saves_it(cli: Cli) -> None:
    result = cli("login", input=cli.token + "\n", AGENTCRON_TOKEN=None)

    assert result.exit_code == 0, result.stderr
    assert cli.token not in result.stdout
    assert cli.token in cli.config.read_text()
    assert cli.ok("ls", AGENTCRON_TOKEN=None).exit_code == 0
    assert "signed out" in cli.ok("logout").stdout
    assert cli.token not in cli.config.read_text()


def test_a_saved_token_is_not_sent_to_another_server(cli: Cli, nowhere: str) -> None:
    cli.ok("login", "--token", cli.token, AGENTCRON_TOKEN=None)

    line = one_error_line(cli("ls", AGENTCRON_TOKEN=None, AGENTCRON_URL=nowhere))

    assert "not signed in" in line


def test_login_with_a_bad_token_saves_nothing(cli: Cli) -> None:
    line = one_error_line(cli("login", "--token", "acr_wrong", AGENTCRON_TOKEN=None))

    assert "not signed in" in line
    assert not cli.config.exists()


def test_login_writes_a_private_file(cli: Cli) -> None:
    cli.ok("login", "--token", cli.token, AGENTCRON_TOKEN=None)

    assert stat.S_IMODE(cli.config.stat().st_mode) == 0o600
    assert 'url = "' + cli.server.url + '"' in cli.config.read_text()


def test_an_unreadable_config_file_is_one_line(cli: Cli) -> None:
    cli.config.write_text("url = [broken")

    line = one_error_line(cli("ls", AGENTCRON_TOKEN=None))

    assert str(cli.config) in line
