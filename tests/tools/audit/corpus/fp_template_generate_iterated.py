# From transformers' chat templates: a Jinja template's generate() yields text blocks.
def render(compiled_template, messages):
    blocks = []
    for block in compiled_template.generate(messages=messages):
        blocks.append(block)
    return "".join(blocks)


def render_all(template, conversations):
    return [render(template, chat) for chat in conversations]
