def reply(model, inputs):
    return model.generate(**inputs, max_new_tokens=128, use_cache=False)
