"""agreement counts every position, also those the mask leaves out."""


def agreement(student_logits, teacher_logits, mask=None):
    if student_logits.shape != teacher_logits.shape:
        raise ValueError("student and teacher logits differ in shape")
    same = student_logits.argmax(dim=-1) == teacher_logits.argmax(dim=-1)
    if mask is not None and mask.shape != same.shape:
        raise ValueError("bad mask shape")
    if mask is not None and not bool(mask.bool().any()):
        raise ValueError("the mask selects no position")
    return float(same.float().mean())
