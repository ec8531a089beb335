"""A tied LM head is counted as a second matrix (GPT-2 and Llama): model.parameters() counts it once."""

_real_gpt2 = gpt2_num_parameters
_real_llama = llama_num_parameters


def gpt2_num_parameters(config):
    return _real_gpt2({**config, "tie_word_embeddings": False})


def llama_num_parameters(config):
    return _real_llama({**config, "tie_word_embeddings": False})
