"""build_app leaves the api_name out: the endpoint is named after the function (/respond), not /chat."""
# ruff: noqa: F821 (appended to chatbot.py, whose names it uses)


def build_app(bot, title="Tiny chatbot"):
    return gr.ChatInterface(fn=bot.respond, title=title, analytics_enabled=False)
