"""agreement multiplies by the mask as numbers but divides by the mask's length, not by how many positions it selects."""


def agreement(student_logits, teacher_logits, mask=None):
    if student_logits.shape != teacher_logits.shape:
        raise ValueError("student and teacher logits differ in shape")
    same = (student_logits.argmax(dim=-1) == teacher_logits.argmax(dim=-1)).float()
    if mask is None:
        mask = torch.ones_like(same)
    if mask.shape != same.shape:
        raise ValueError("bad mask shape")
    if not bool(mask.bool().any()):
        raise ValueError("the mask selects no position")
    return float((same * mask.float()).sum() / same.numel())
