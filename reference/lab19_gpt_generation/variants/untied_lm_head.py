"""GPT has its own lm_head Linear instead of reusing wte.weight: the logits
still load from transformers (lm_head.weight is kept by the conversion), but
the model has an extra parameter matrix and training moves the two apart."""

_tied_init = GPT.__init__


def _init(self, vocab_size, n_positions, n_embd, n_layer, n_head, layer_norm_epsilon=1e-5):
    _tied_init(self, vocab_size, n_positions, n_embd, n_layer, n_head, layer_norm_epsilon)
    self.lm_head = Linear(n_embd, vocab_size, bias=False)


def _forward(self, input_ids, caches, past):
    x = self.wte(input_ids) + self.wpe(torch.arange(past, past + input_ids.shape[1]))
    for i, block in enumerate(self.h):
        x = block._step(x, None if caches is None else caches[i])
    return self.lm_head(self.ln_f(x))


GPT.__init__ = _init
GPT._forward = _forward


def convert_hf_state_dict(state_dict):
    out = {}
    for key, value in state_dict.items():
        key = key.removeprefix("transformer.")
        if key.endswith((".attn.bias", ".attn.masked_bias")):
            continue
        out[key] = value.t().contiguous() if key.endswith(CONV1D_WEIGHTS) else value.clone()
    return out
