# 城关县 广播读音表 (dalaba lexicon): 词 拼音, 每行一条
# 多音字
村长 cun1 zhang3
银行 yin2 hang2
音乐 yin1 yue4
干部 gan4 bu4
董事长 dong3 shi4 zhang3
重庆 chong2 qing4
长江 chang2 jiang1
# 地名、人名
东村 dong1 cun1
西村 xi1 cun1
大柳树村 da4 liu3 shu4 cun1   # 村委会所在地
吕家庄	lü3 jia1 zhuang1
绿水湾 lv4 shui3 wan1
女子民兵连 nü3 zi3 min2 bing1 lian2
