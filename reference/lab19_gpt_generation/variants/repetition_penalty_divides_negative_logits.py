"""apply_repetition_penalty divides every seen logit by the penalty, so a
negative logit moves towards 0 and the repeated token becomes MORE likely
(transformers multiplies negative logits)."""


def apply_repetition_penalty(logits, input_ids, penalty):
    if not penalty > 0:
        raise ValueError("bad penalty")
    return logits.scatter(-1, input_ids, logits.gather(-1, input_ids) / penalty)
