"""The pair template forgets the ``:1`` type ids: the second segment gets type id 0.

``"[CLS] $A [SEP] $B [SEP]"`` adds the right tokens, but ``token_type_ids``
are all 0, so a model cannot tell the two segments apart.
"""


def add_bert_post_processor(tokenizer):
    cls_id, sep_id = tokenizer.token_to_id(CLS_TOKEN), tokenizer.token_to_id(SEP_TOKEN)
    if cls_id is None or sep_id is None:
        raise ValueError("the tokenizer's vocabulary has no [CLS] or [SEP] token")
    tokenizer.post_processor = processors.TemplateProcessing(
        single="[CLS] $A [SEP]",
        pair="[CLS] $A [SEP] $B [SEP]",
        special_tokens=[(CLS_TOKEN, cls_id), (SEP_TOKEN, sep_id)],
    )
    return tokenizer
