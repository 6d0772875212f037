银行 yin2 hang2
�