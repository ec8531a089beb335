"""The merged update is (B @ A) transposed: invisible in shape when in_features == out_features."""


def _delta_weight(self):
    return self.scaling * (self.lora_A.T @ self.lora_B.T)


LoRALinear.delta_weight = _delta_weight
