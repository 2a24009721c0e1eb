from tests.ui.conftest import chat_server, open_window  # noqa: F401  (fixtures)
