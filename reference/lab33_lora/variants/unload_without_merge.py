"""merge_and_unload puts the base layers back without merging the update into them."""


def merge_and_unload(model):
    names = []
    for name, layer in _lora_layers(model):
        parent_name, _, child = name.rpartition(".")
        setattr(model.get_submodule(parent_name), child, layer.base)
        names.append(name)
    return names
