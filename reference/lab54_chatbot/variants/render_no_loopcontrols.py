"""The Jinja environment lacks the loopcontrols extension: templates using {% continue %} or {% break %} fail."""
# ruff: noqa: F821 (appended to chatbot.py, whose names it uses)


def render_chat(messages, chat_template, add_generation_prompt=False, **template_vars):
    env = ImmutableSandboxedEnvironment(trim_blocks=True, lstrip_blocks=True)
    env.globals["raise_exception"] = _raise_exception
    try:
        template = env.from_string(chat_template)
        return template.render(messages=messages, add_generation_prompt=add_generation_prompt, **template_vars)
    except jinja2.TemplateError as e:
        raise ValueError(str(e)) from e
