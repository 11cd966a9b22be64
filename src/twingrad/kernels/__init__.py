"""numpy kernels the rules of `twingrad.rules` call: windows (im2col, col2im, padding),
pooling geometry, reduction statistics, and the nn ops' terms. They hold no rules and
know no engine; the rules' vjps combine them with `twingrad.core.numeric` helpers."""
