"""The Treebank tokenizer splits 's, 'll, 're ... but forgets "n't":
"don't" stays one token instead of "do n't"."""

_CLITIC = re.compile(r"(?<=[^'\s])('[sSmMdD]|'ll|'LL|'re|'RE|'ve|'VE|')(?=\s|$)")
