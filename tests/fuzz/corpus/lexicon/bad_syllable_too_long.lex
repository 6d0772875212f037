双 shuaaang1
