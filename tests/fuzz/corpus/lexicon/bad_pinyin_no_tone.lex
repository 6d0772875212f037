银行 yin hang
