bank yin2 hang2
