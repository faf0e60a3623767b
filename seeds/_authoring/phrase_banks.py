"""Hand-written phrase banks for the labeled comment set (see build_comment_sentiment_labels.py).

Every template carries its label: a positive template stays positive whatever item or decoration
is slotted in, so the generator never has to guess. `{item}` is a noun phrase from ITEMS for the
row's category and language; `{ts}` is a video timestamp. Sarcastic templates sit under the label
of their intended meaning (almost always negative), as the labeling guide says.
"""

from __future__ import annotations

CATEGORIES = [
    "beauty", "gaming", "food", "travel", "music", "dance",
    "comedy", "sports", "tech", "pets", "fashion", "education",
]

# Noun phrases a comment can be about, per category and language.
ITEMS: dict[str, dict[str, list[str]]] = {
    "beauty": {
        "zh": ["这个口红色号", "这款粉底液", "这个眼影盘", "博主的妆容", "这个腮红", "这支睫毛膏", "这个底妆", "这套护肤步骤", "这个卸妆油", "这款防晒"],
        "en": ["this lipstick shade", "the foundation", "this eyeshadow palette", "her makeup", "the blush", "this mascara", "the base", "this skincare routine", "the cleansing oil", "this sunscreen"],
    },
    "gaming": {
        "zh": ["这波操作", "这个皮肤", "这局团战", "主播的走位", "这个新英雄", "这次版本更新", "这个新地图", "这把五杀", "这游戏的剧情", "这个出装"],
        "en": ["that play", "this skin", "the team fight", "his positioning", "the new hero", "this patch", "the new map", "that clutch", "the story mode", "this build"],
    },
    "food": {
        "zh": ["这碗螺蛳粉", "这家火锅", "这个蛋糕", "这道红烧肉", "这杯奶茶", "这家烧烤", "这个做法", "这份煎饼果子", "这家店的小笼包", "这锅麻辣烫"],
        "en": ["this ramen", "the hotpot place", "that cake", "this recipe", "the bubble tea", "the bbq spot", "this pasta", "the dumpling place", "that burger", "this street food"],
    },
    "travel": {
        "zh": ["这个民宿", "这条路线", "这里的海", "这个古镇", "这家酒店", "这个景点", "这趟自驾", "这里的日落", "这个攻略", "这座雪山"],
        "en": ["this hotel", "the itinerary", "that beach", "this old town", "the airbnb", "this spot", "the road trip", "that sunset", "this travel guide", "the view from the top"],
    },
    "music": {
        "zh": ["这首歌", "这段副歌", "这个翻唱", "这把吉他", "这段前奏", "她的嗓音", "这个编曲", "这场live", "这张新专辑", "这段高音"],
        "en": ["this song", "the chorus", "this cover", "the guitar solo", "the intro", "her voice", "this arrangement", "the live version", "the new album", "that high note"],
    },
    "dance": {
        "zh": ["这段编舞", "这个卡点", "她的律动", "这段齐舞", "这个转场", "这支舞", "这段wave", "他们的走位", "这个定格", "这段手势舞"],
        "en": ["this choreo", "the beat sync", "her groove", "the group formation", "that transition", "this dance", "the body wave", "their footwork", "the freeze at the end", "this routine"],
    },
    "comedy": {
        "zh": ["这个段子", "这个梗", "这段配音", "这集", "这个反转", "他的表情", "这个谐音梗", "这段模仿", "这个剧本", "结尾那句"],
        "en": ["this skit", "the punchline", "the voiceover", "this episode", "the plot twist", "his face", "that pun", "the impression", "the script", "the ending line"],
    },
    "sports": {
        "zh": ["这个进球", "这场比赛", "这记扣篮", "这个扑救", "这套训练", "他的三分", "这个过人", "这次逆转", "这个裁判判罚", "这位新秀"],
        "en": ["that goal", "this match", "the dunk", "that save", "this workout", "his three pointer", "the dribble", "the comeback", "the ref's call", "the rookie"],
    },
    "tech": {
        "zh": ["这款手机", "这个耳机", "这台笔记本", "这个续航", "这次系统更新", "这个充电器", "这块屏幕", "这个拍照效果", "这个键盘", "这款平板"],
        "en": ["this phone", "this pair of earbuds", "this laptop", "the battery life", "the new update", "this charger", "the screen", "the camera", "this keyboard", "the tablet"],
    },
    "pets": {
        "zh": ["这只小猫", "这只柯基", "这只布偶", "狗狗的表情", "这个猫爬架", "这只仓鼠", "这款猫粮", "这只橘猫", "这只金毛", "这个逗猫棒"],
        "en": ["this kitten", "the corgi", "this ragdoll", "the dog's face", "the cat tree", "this hamster", "the cat food", "the orange cat", "this golden retriever", "the toy"],
    },
    "fashion": {
        "zh": ["这套穿搭", "这件外套", "这条裙子", "这双鞋", "这个包", "这条牛仔裤", "这个配色", "这件毛衣", "这套通勤搭配", "这顶帽子"],
        "en": ["this outfit", "the jacket", "that dress", "this pair of shoes", "this bag", "the denim jacket", "the color combo", "this sweater", "the work fit", "the hat"],
    },
    "education": {
        "zh": ["这节课", "这个讲解", "这套题", "老师的思路", "这个公式推导", "这个学习方法", "这个单词记忆法", "这份笔记", "这个知识点", "这个网课"],
        "en": ["this lesson", "the explanation", "this problem set", "the teacher's approach", "this derivation", "the study method", "this vocab trick", "this set of notes", "this topic", "the online course"],
    },
}

# Templates that fit any category: {item} is slotted in.
GENERIC: dict[str, dict[str, list[str]]] = {
    "zh": {
        "positive": [
            "{item}真的绝绝子", "{item} yyds!!", "{item}也太好看了吧", "被{item}狠狠拿捏了", "{item}绝了",
            "爱了爱了 {item}太可以了", "{item}不难看啊 挺好的", "救命 {item}好戳我", "{item}完全长在我审美点上",
            "awsl {item}", "{item}我能看一百遍", "{item}真的一绝", "谁懂啊 {item}太顶了", "{item} 666",
            "{item}必须好评", "{item}吹爆", "就冲{item}也得点赞", "{item}比我想象中好太多了", "{item}没有让我失望",
            "{item}真的不错", "{item}真的可以 宝藏博主", "{item}太牛了", "{item}是我今年见过最好的", "{item}我直接收藏了",
            "哈哈哈哈 {item}太有意思了", "{item}一点都不差 别听黑子的", "{item}封神了", "被{item}圈粉了",
            "{item}真的很用心 支持", "{item}无可挑剔", "终于刷到{item}了 太爱了", "{item}满分", "为{item}打call",
            "{item}是真的香", "{item}越看越喜欢", "{item}太强了吧", "{item}真的好绝", "我宣布{item}是我的本命",
            "{item}完全不踩雷", "{item}值得", "{item}不愧是你", "有被{item}惊艳到",
            "{item}一点都不难看", "{item}没有想象中那么差 还挺好", "{item}不输大牌", "说{item}不好的人怕是没看懂",
            "{item}没毛病", "{item}真的不错不错", "{item}一点也不无聊", "{item}不是智商税 是真的好",
        ],
        "negative": [
            "{item}真的不怎么样", "{item}太下头了", "{item}就这？", "无语 {item}也太拉了", "{item}一般般吧 没有吹的那么好",
            "{item}踩雷了", "{item}真的劝退", "看完{item}直接破防 太失望了", "{item}纯纯智商税", "{item}有点拉胯",
            "求求别再推{item}了", "{item}好难看啊", "{item}就是割韭菜", "{item}不行啊", "{item}差评", "{item}尬死了",
            "取关了 {item}越来越水", "{item}一言难尽", "{item}真的没必要", "又是{item} 看腻了", "{item}真是好棒棒哦 呵呵",
            "呵呵 {item}可真是良心啊", "{item}这么好你自己怎么不用", "这就是传说中的{item}？我真是谢谢你了",
            "{item}不值这个价", "{item}太敷衍了吧", "{item}让人失望", "{item}就是个营销号产物", "{item}烂透了",
            "说实话{item}挺难受的", "{item}没有想象中好", "{item}真的不推荐", "谁还会喜欢{item}啊", "{item}好土",
            "别吹了 {item}也就那样", "{item}看得我血压都上来了", "{item}一点都不好", "{item}太离谱了",
            "恕我直言 {item}很普通", "{item}又双叒叕翻车了", "真服了 {item}还有人夸",
            "{item}不怎么好看", "{item}一点都不好", "{item}不值得", "{item}没有一点亮点", "{item}不太行",
            "{item}并不好看", "{item}真的不好用", "{item}不推荐 别买", "{item}没想象中那么好",
        ],
        "neutral": [
            "求{item}的链接", "{item}是哪里的？", "有人知道{item}叫什么吗", "{item}多少钱啊", "所以{item}到底是什么",
            "想问一下{item}", "{ts} 的{item}是什么", "来看{item}的", "刚刷到{item}", "{item}有教程吗",
            "{item}是第几期的", "{item}在哪个视频里", "请问{item}是原创的吗", "{item}和上一期的一样吗",
            "{ts} {item}出现了", "第一次刷到{item}", "{item}有没有详细版", "{item}是今年的吗", "{item}能出个合集吗",
            "评论区有人懂{item}吗", "{item}是哪个牌子的", "博主能不能讲讲{item}", "{item}我先码住 回头看",
            "刚好在研究{item}", "{item}是在哪拍的", "想看{item}的后续", "请问{item}还有吗", "{item}是同款吗",
            "{item}出自哪里", "有没有{item}的原视频",
        ],
    },
    "en": {
        "positive": [
            "{item} is so good", "{item} slaps", "ok {item} ate", "{item} is a whole vibe", "not bad at all, {item} actually works",
            "obsessed with {item}", "{item} is lowkey amazing", "{item} is fire fr fr", "{item} is the best i've seen no cap",
            "the way {item} just slayed", "10/10 {item}", "i need {item} in my life", "{item} deserves way more views",
            "love love love {item}", "{item} hits different", "{item} is so underrated", "{item} made my day",
            "can't stop watching {item}", "{item} is actually really good ngl", "{item} is perfect", "{item} >>>",
            "{item} is chef's kiss", "ok {item} is insane", "{item} is not bad, i'm impressed", "yesss {item}",
            "{item} never misses", "{item} is elite", "{item} lives in my head rent free", "{item}?? obsessed",
            "{item} is so clean", "didn't expect {item} to be this good", "{item} is a W", "{item} is top tier",
            "{item} is everything", "{item} is goated", "{item} really said slay", "honestly {item} is amazing",
            "{item} is worth every penny", "{item} is peak", "{item} is so satisfying",
            "{item} is not bad at all", "not gonna lie, {item} isn't bad", "{item} didn't disappoint",
            "{item} is not overrated at all", "can't complain about {item}", "no complaints about {item}",
            "{item} wasn't what i expected, it was better", "never disliked {item}, it's great",
        ],
        "negative": [
            "{item} is mid", "{item} is not good", "{item} is so overrated", "{item} was a waste of money", "{item} is so cringe",
            "unfollowing, {item} keeps getting worse", "{item} is lowkey terrible", "honestly {item} is disappointing",
            "why does everyone hype {item}, it's mid", "{item} is a scam", "{item} ain't it", "{item} is giving nothing",
            "hard pass on {item}", "{item}? no thanks", "yikes, {item}", "sorry but {item} is bad",
            "wow {item}, groundbreaking", "oh great, {item} again. can't wait", "love how {item} is just an ad now",
            "sure, {item} is 'amazing' if you like wasting money", "thanks for the 30 second ad about {item} i guess",
            "{item} is not it", "{item} is painful to watch", "{item} is so boring", "{item} is trash fr",
            "{item} was not worth it", "{item} is a L", "{item} is a downgrade", "{item} is so fake",
            "i regret {item}", "{item} is the worst", "{item} is not good at all", "nobody asked for {item}",
            "{item} is so bad it's sad", "who thought {item} was a good idea", "{item} is kinda trash ngl",
            "{item} is annoying", "{item} is a flop", "{item} ruined it for me", "this is why i stopped watching, {item}",
            "{item} isn't worth it", "{item} is not great tbh", "not a fan of {item}", "{item} did not live up to the hype",
            "i don't like {item}", "{item} doesn't work", "not impressed by {item}", "{item} isn't good",
        ],
        "neutral": [
            "where did you get {item}?", "what's {item} called?", "link to {item}?", "how much was {item}?",
            "does {item} come in other versions?", "is {item} available in the uk?", "first time seeing {item}",
            "{ts} what is {item}", "anyone know where {item} is from", "here for {item}", "part 2 about {item} pls",
            "which one is {item}?", "saving this for {item} later", "what brand is {item}?", "is {item} new?",
            "{ts} {item}", "can you do a full video on {item}", "who made {item}?", "is {item} the same as last time?",
            "where was {item} filmed", "came here from the other video about {item}", "drop the details on {item}",
            "is {item} from 2025 or 2026?", "still waiting for the {item} update", "did anyone else try {item}?",
            "what's the name of {item}", "can someone explain {item}", "how long did {item} take?",
            "is there a longer version of {item}?", "taking notes on {item}",
        ],
    },
}

# Category-specific whole comments, written per category so the set has each area's voice.
PHRASES: dict[str, dict[str, dict[str, list[str]]]] = {
    "beauty": {
        "zh": {
            "positive": ["这个色号黄皮也能冲", "显白到离谱 已下单", "持妆一整天都不脱 绝了", "干皮亲妈 一点都不卡粉", "手残党也能画 太友好了", "姐妹这个妆容太温柔了吧", "素颜都这么好看 羡慕", "跟着画了一遍 男朋友说好看", "这个腮红颜色好少女", "终于找到不拔干的粉底了"],
            "negative": ["这个色号黄皮千万别买 显黑", "用了三天就爆痘 破防了", "卡粉卡成这样还推荐？", "滤镜开这么大谁看得出效果", "又是恰饭视频 下头", "脱妆脱得好厉害 不怎么样", "味道好冲 闻着头疼", "价格翻倍 质量倒退", "这妆太浓了 不适合日常", "美颜开太大了吧 无语"],
            "neutral": ["这是几号色啊", "干皮能用吗", "求产品清单", "敏感肌可以用吗", "眼影用的哪个盘", "是哑光还是水光的", "博主是什么肤质", "这个在免税店有吗", "底妆用的什么刷子", "可以出个新手教程吗"],
        },
        "en": {
            "positive": ["this shade looks amazing on tan skin", "the glow is unreal", "wore it all day and it didn't budge", "finally a foundation that doesn't cake", "her skin is literally glass", "beginner friendly and still gorgeous", "the blend is so seamless", "bought it because of you and no regrets", "this look is so soft", "the eyeliner is so sharp, slay"],
            "negative": ["this shade made me look grey", "broke me out after two days", "the filter is doing all the work", "cakey af, not good", "another sponsored review, sure", "smells awful, returned it", "oxidized orange in an hour", "way too heavy for everyday", "price went up and quality went down", "the swatches are not the real color"],
            "neutral": ["what shade is this?", "is this good for oily skin?", "product list please", "is it safe for sensitive skin", "which brush did you use", "matte or dewy finish?", "what's your skin type", "is this cruelty free?", "can you do a beginner tutorial", "what primer is that"],
        },
    },
    "gaming": {
        "zh": {
            "positive": ["这操作我看呆了 太秀了", "主播手速666", "这波极限反杀 牛啊", "这个皮肤特效太帅了", "这把打得好漂亮", "终于上王者了 跟着学有用", "这局运营教科书级别", "细节拉满 服了", "这个意识我学不来", "新版本平衡做得不错"],
            "negative": ["又是氪金才能玩 无语", "匹配机制太烂了 破防", "这更新一出直接卸载", "外挂这么多没人管吗", "队友全是演员 心态崩了", "服务器天天掉线 不怎么样", "这皮肤做成这样还卖648？", "剧情烂尾了 下头", "这版本就是削弱玩家体验", "优化太差了 卡成ppt"],
            "neutral": ["这是什么段位", "用的什么键位设置", "这个英雄怎么出装", "几点开播啊", "手机还是平板打的", "这是国服吗", "主播用的什么耳机", "{ts} 那是什么技能", "这个地图怎么解锁", "新赛季什么时候开"],
        },
        "en": {
            "positive": ["that clutch was insane", "how is he this cracked", "the aim is actually unreal", "this patch finally fixed the meta", "gg that was a clean game", "the skin animation is so sick", "this build carried me to diamond", "the reaction time is crazy", "best content creator for this game fr", "that 1v4 was legendary"],
            "negative": ["pay to win garbage", "matchmaking is a joke", "servers down again, unplayable", "so many cheaters, uninstalling", "the story ending was mid", "this patch ruined my main", "optimization is trash, 20 fps", "another battle pass for $20? no", "the devs don't listen at all", "lag cost us the game again"],
            "neutral": ["what rank is this", "what sens do you use", "what's the build order", "when do you stream", "pc or console?", "which server is this", "what headset do you use", "{ts} what ability is that", "how do you unlock this map", "when does the new season start"],
        },
    },
    "food": {
        "zh": {
            "positive": ["看饿了 半夜放毒", "这家店我去过 真的好吃", "跟着做了一次 全家都说香", "汤底太鲜了 yyds", "这个价格这个分量 良心", "口水流下来了", "做法好简单 厨房小白也能学会", "这个酥皮也太酥了吧", "排队两小时也值得", "吃了十年的老店 还是那个味"],
            "negative": ["网红店 踩雷了 又贵又难吃", "排了两小时就这？", "肉都不新鲜 吃完拉肚子", "太咸了 根本吃不下去", "分量少得可怜 不怎么样", "服务员态度好差 不会再去", "照着做了 完全不是那个味", "这价格抢钱呢", "卫生太差了 看着就没食欲", "油放这么多 不健康"],
            "neutral": ["店名叫什么", "在哪个城市", "要放多少盐", "可以用空气炸锅做吗", "这个需要提前预约吗", "人均多少", "面粉用的什么牌子", "营业到几点", "用的是什么锅", "这是哪家分店"],
        },
        "en": {
            "positive": ["this looks so good i'm drooling", "made this tonight and my family loved it", "the broth looks insane", "best dumplings in the city hands down", "worth the two hour line", "that cheese pull tho", "so easy even i could make it", "the crust is perfect", "bookmarking this recipe forever", "fair price and huge portions, love it"],
            "negative": ["overhyped, overpriced, undercooked", "waited an hour for this? no", "way too salty, couldn't finish it", "got food poisoning from this place", "tiny portions for $30", "staff was rude, never going back", "followed the recipe and it tasted like nothing", "that's raw chicken, yikes", "the kitchen looks so dirty", "tastes like it came from a freezer bag"],
            "neutral": ["what's the restaurant called", "which city is this", "how much salt did you use", "can i make this in an air fryer", "do you need a reservation", "how much per person", "what flour do you use", "what time do they close", "what pan is that", "which location is this"],
        },
    },
    "travel": {
        "zh": {
            "positive": ["这里的海也太蓝了吧", "攻略好详细 收藏了", "跟着路线玩了一圈 超值", "日落美到哭", "这民宿太有感觉了", "人少景美 宝藏地方", "看完立刻想订机票", "拍得像电影一样", "这条路线太适合自驾了", "去过一次念念不忘"],
            "negative": ["照骗 实际根本不是这样", "人挤人 一点体验都没有", "酒店卫生太差 下头", "门票贵得离谱 景点一般", "被宰了 千万别去", "商业化太严重了 没意思", "导游强制购物 无语", "民宿和图片完全不一样", "天气预报都不看就推荐？", "排队三小时就看了五分钟"],
            "neutral": ["这是哪里", "几月去最合适", "需要办签证吗", "从市区怎么过去", "民宿叫什么名字", "门票多少钱", "要爬多久", "可以带宠物吗", "住了几晚", "{ts} 这是哪个城市"],
        },
        "en": {
            "positive": ["adding this to my bucket list", "the water is unreal", "followed your itinerary and it was perfect", "that sunset made me cry", "such a hidden gem", "booking my flights right now", "this looks like a movie", "best road trip of my life", "the airbnb is so cozy", "the views are breathtaking"],
            "negative": ["total tourist trap", "looks nothing like this in real life", "so crowded you can't even move", "the hotel was filthy", "overpriced and underwhelming", "got scammed by the taxi there, avoid", "the tour was just a shopping trip", "the photos are heavily edited", "waited 3 hours for a 5 minute view", "ruined by over tourism"],
            "neutral": ["where is this?", "best time of year to go?", "do you need a visa", "how do you get there from the airport", "what's the hotel called", "how much is the entry fee", "how long is the hike", "is it pet friendly", "how many nights did you stay", "{ts} which city is this"],
        },
    },
    "music": {
        "zh": {
            "positive": ["单曲循环一整天了", "这声音太好听了 耳朵怀孕", "副歌一出来我就起鸡皮疙瘩", "翻唱比原唱还好听", "这把嗓子老天赏饭吃", "前奏一响就破防了 太好哭了", "这编曲太高级了", "live比录音室版还稳", "宝藏歌手 终于被我挖到了", "这首歌让我想起高中"],
            "negative": ["修音修得太过了", "现场跑调跑到姥姥家", "翻唱毁原曲 下头", "这歌词写得好尬", "又是口水歌 听腻了", "伴奏太吵 完全听不清歌词", "假唱也太明显了吧", "这高音喊得我耳朵疼", "专辑质量一张不如一张", "这编曲不怎么样 很廉价"],
            "neutral": ["歌名是什么", "求原唱", "这是哪场演唱会", "吉他谱有吗", "这是什么调", "{ts} 这段是什么歌", "用的什么麦克风", "伴奏哪里能下载", "这个版本在哪听", "是现场还是录音棚"],
        },
        "en": {
            "positive": ["been on repeat all day", "her voice gives me chills", "the chorus hits so hard", "this cover is better than the original", "the guitar solo is insane", "this song got me through a breakup", "the live vocals are so stable", "the production is so clean", "hidden gem, how does this not have more views", "the harmonies are heavenly"],
            "negative": ["autotune is doing all the work", "so off key live", "this cover ruined the song", "the lyrics are so cringe", "every song sounds the same now", "the beat is way too loud", "lip syncing is so obvious", "that high note was painful", "their new album is mid", "cheap sounding production"],
            "neutral": ["what's the song name?", "who sings the original", "which concert is this", "are there tabs for this", "what key is this in", "{ts} song name?", "what mic is that", "where can i find the instrumental", "is this on spotify", "live or studio?"],
        },
    },
    "dance": {
        "zh": {
            "positive": ["卡点卡得太准了", "这律动感绝了", "齐舞整齐到离谱", "转场好丝滑", "这段wave我学了一晚上没学会 太强了", "看了二十遍 太帅了", "跳得好有力量感", "编舞好有创意", "这个定格太酷了", "腿也太长了吧 跳起来好好看"],
            "negative": ["动作好僵硬 不怎么样", "完全没踩在点上", "抄袭别人的编舞 下头", "齐舞乱成一团", "表情管理太差了", "又是那几个烂大街的动作", "镜头一直晃 看不清动作", "这也能上热门？无语", "节奏感太差了", "开了倍速还这么慢"],
            "neutral": ["这是什么歌", "求镜面版", "有分解教程吗", "这是哪个舞团", "{ts} 这个动作叫什么", "在哪个舞室拍的", "编舞老师是谁", "新手能学吗", "这是原速吗", "穿的什么鞋跳的"],
        },
        "en": {
            "positive": ["the beat sync is so satisfying", "her groove is unmatched", "the formation is so clean", "that transition is smooth af", "watched this 20 times", "the power in this choreo", "so creative, love the choreo", "the freeze at the end!!", "she makes it look so easy", "the energy is insane"],
            "negative": ["so stiff, not good", "completely off beat", "stolen choreo, credit the creator", "the formation is a mess", "zero facial expression", "same overused moves again", "the camera shake ruins it", "how is this trending", "no rhythm at all", "this is so slow and boring"],
            "neutral": ["song name?", "mirrored version please", "is there a tutorial", "which dance crew is this", "{ts} what's that move called", "which studio is this", "who choreographed this", "is this beginner level", "is this original speed", "what shoes are those"],
        },
    },
    "comedy": {
        "zh": {
            "positive": ["哈哈哈哈哈哈笑死我了", "笑到邻居敲门", "这个反转绝了", "配音太有灵魂了", "笑死 这个梗我能玩一年", "每一帧都是表情包", "这个谐音梗我服了", "结尾那句我笑出猪叫", "模仿得太像了", "编剧是天才吧"],
            "negative": ["一点都不好笑", "这梗都烂大街了", "尬得我脚趾抠地", "硬凹搞笑 下头", "抄袭别人的段子", "笑点在哪 无语", "越来越不好笑了 取关", "低俗 不怎么样", "剧本痕迹太重了", "演技太浮夸了"],
            "neutral": ["这是哪部剧的片段", "原视频在哪", "bgm叫什么", "{ts} 他说的什么", "这个梗出自哪里", "这是第几集", "配音是谁", "有没有完整版", "这是真实事件吗", "演员叫什么名字"],
        },
        "en": {
            "positive": ["i'm crying 😂", "i laughed way too hard at this", "the plot twist got me", "the voiceover is everything", "this is comedy gold", "every frame is a meme", "that pun was criminal and i loved it", "the ending killed me", "the impression is spot on", "how is this so funny"],
            "negative": ["not funny at all", "this joke is so old", "so cringe i had to scroll", "trying way too hard", "stole this skit from someone else", "where's the punchline", "used to be funny, unfollowed", "this is just offensive", "so scripted", "the overacting is painful"],
            "neutral": ["what show is this from", "where's the original video", "what's the background song", "{ts} what did he say", "where is this meme from", "which episode is this", "who does the voice", "is there a full version", "is this a true story", "what's the actor's name"],
        },
    },
    "sports": {
        "zh": {
            "positive": ["这球进得太漂亮了", "这扑救神了", "绝杀 激动到失眠", "这个过人太丝滑了", "逆转了 yyds", "新秀未来可期", "跟着练了一个月 体脂降了", "这才是体育精神", "三分准到离谱", "这防守教科书级别"],
            "negative": ["黑哨 太离谱了", "这场踢得太烂了", "主教练不下课还等什么", "拿着高薪打成这样", "又是伤病 破防了", "这训练方法会受伤的 别学", "防守漏洞百出", "全场梦游 下头", "转播画质太差了", "输成这样还有脸庆祝"],
            "neutral": ["这是哪场比赛", "比分多少", "几号球员", "下一场什么时候", "在哪个平台能看回放", "{ts} 这是犯规吗", "这套训练一周练几次", "他是哪个队的", "这是季后赛吗", "球鞋什么型号"],
        },
        "en": {
            "positive": ["what a goal", "that save was unreal", "buzzer beater, i'm screaming", "the handles are disgusting", "greatest comeback ever", "this rookie is special", "did this workout for a month and it works", "that's real sportsmanship", "he can't miss from three", "textbook defense"],
            "negative": ["the ref is blind", "worst performance of the season", "fire the coach already", "paid millions to play like this", "injured again, heartbreaking", "this workout will wreck your knees", "defense was nonexistent", "they looked asleep out there", "the stream quality was awful", "embarrassing loss"],
            "neutral": ["which game is this", "what was the final score", "what number is he", "when's the next match", "where can i watch the replay", "{ts} is that a foul?", "how many times a week", "what team does he play for", "is this the playoffs", "what shoes is he wearing"],
        },
    },
    "tech": {
        "zh": {
            "positive": ["续航真的顶 一天一充", "拍照效果吊打我的旧手机", "这价位闭眼入", "系统流畅 一点都不卡", "测评好客观 点赞", "屏幕素质太好了", "降噪效果绝了", "手感很棒 做工扎实", "这个快充太香了", "用了半年还跟新的一样"],
            "negative": ["发热严重 打游戏烫手", "更新完电池掉得飞快", "又是挤牙膏 不怎么样", "售后太差了 下头", "这价格纯纯智商税", "信号差到打不通电话", "屏幕用了一个月就烧屏", "收了钱的测评吧", "系统广告太多了 无语", "充电器还要单独买？"],
            "neutral": ["多少钱", "有几个颜色", "支持多少瓦快充", "和上一代有什么区别", "什么时候发售", "国行版本吗", "内存多大", "支持5G吗", "{ts} 这是什么功能", "有没有学生优惠"],
        },
        "en": {
            "positive": ["battery life is insane", "the camera is a huge upgrade", "best value phone this year", "smooth as butter, no lag", "finally an honest review", "this screen is gorgeous", "the noise cancelling is crazy good", "build quality feels premium", "fast charging is a game changer", "still runs like new after a year"],
            "negative": ["it overheats like crazy", "battery drains fast after the update", "same phone as last year, not worth it", "customer support is useless", "overpriced for what it is", "the signal keeps dropping", "screen burn in after a month", "this review is clearly sponsored", "too much bloatware", "no charger in the box, really?"],
            "neutral": ["how much is it", "what colors does it come in", "how many watts does it charge", "what's different from last gen", "when is the release date", "is this the global version", "how much storage", "does it support 5g", "{ts} what feature is that", "is there a student discount"],
        },
    },
    "pets": {
        "zh": {
            "positive": ["小猫咪太可爱了 awsl", "这个表情我笑死", "想rua 好软", "狗狗好乖 好治愈", "看完心都化了", "橘猫果然都很能吃 哈哈哈哈", "这眼神谁顶得住", "毛色好漂亮", "被主子拿捏得死死的", "每天下班就靠这个续命"],
            "negative": ["这样养猫太不负责了", "别给狗吃人吃的东西 看着心疼", "为了流量折腾宠物 下头", "这猫粮吃了拉肚子 踩雷", "笼子这么小太可怜了", "摆拍虐待动物 举报了", "这品种近亲繁殖问题很多 别买", "猫爬架质量太差 一碰就倒", "看着好难受 狗狗明显不舒服", "不会养就别养"],
            "neutral": ["这是什么品种", "几个月大了", "叫什么名字", "猫粮什么牌子", "公的还是母的", "打疫苗了吗", "在哪家店买的", "一天喂几次", "{ts} 它在干嘛", "会掉毛吗"],
        },
        "en": {
            "positive": ["omg the little beans", "i would die for this cat", "the way he tilts his head 😭", "such a good boy", "this healed me", "orange cat behavior, i love it", "those eyes, i can't", "the fluffiest baby", "he owns you and i love that", "this is the content i need"],
            "negative": ["this is so irresponsible", "don't feed dogs grapes, that's dangerous", "using your pet for views is gross", "that food made my cat sick", "that cage is way too small", "this looks like animal abuse, reported", "please don't buy from breeders like this", "the cat tree fell apart in a week", "the dog looks so stressed", "if you can't care for it don't get one"],
            "neutral": ["what breed is this", "how old is he", "what's her name", "what food do you feed", "boy or girl", "is he vaccinated", "where did you adopt", "how often do you feed him", "{ts} what is he doing", "does she shed a lot"],
        },
    },
    "fashion": {
        "zh": {
            "positive": ["这套穿搭太高级了", "配色好舒服", "显瘦又显高 已下单", "博主身材好好 穿啥都好看", "通勤穿刚好 不会出错", "这件外套质感好好", "平价也能穿出大牌感", "鞋子和裤子好搭", "这风格我好喜欢", "跟着买了 同事都问链接"],
            "negative": ["实物和图片色差太大", "质量太差 洗一次就起球", "这搭配好土", "价格虚高 不怎么样", "尺码偏小 退货了", "又是抄袭大牌设计", "模特穿好看 普通人穿就是灾难", "面料闷热 下头", "这颜色太显黑了", "发货慢还不给退"],
            "neutral": ["身高体重多少", "穿的什么码", "求链接", "外套是什么牌子", "有别的颜色吗", "适合梨形身材吗", "包包多少钱", "{ts} 这件叫什么", "是羊毛的吗", "会缩水吗"],
        },
        "en": {
            "positive": ["this fit is immaculate", "the color combo is so good", "bought it, so flattering", "she can wear anything", "perfect work outfit", "the jacket looks so expensive", "looks designer for cheap", "those shoes go so well with the jeans", "this is exactly my style", "everyone asked where i got it"],
            "negative": ["looks nothing like the photos", "pilled after one wash", "this outfit is giving nothing", "overpriced fast fashion", "runs so small, returned it", "knockoff of a designer piece", "looks good on models only", "the fabric doesn't breathe", "that color washes me out", "shipping took forever and no refunds"],
            "neutral": ["how tall are you", "what size are you wearing", "link?", "what brand is the jacket", "does it come in other colors", "would this work for pear shapes", "how much is the bag", "{ts} what's this piece called", "is it wool", "does it shrink"],
        },
    },
    "education": {
        "zh": {
            "positive": ["讲得比我们老师清楚多了", "终于听懂了 感谢", "这个方法太实用了", "笔记整理得好清晰", "跟着刷题提了二十分", "思路讲得太透了", "宝藏老师 相见恨晚", "这个记忆法真的有用", "一点都不难懂", "考前救命视频"],
            "negative": ["讲得太快了根本跟不上", "这道题答案是错的", "全是广告 卖课的 下头", "讲了半天没讲到重点", "网课质量太差 不怎么样", "照着学了没用", "例题太简单 考试根本不考这个", "声音太小 听不清", "这方法误人子弟", "收费还这么水"],
            "neutral": ["这是哪个版本的教材", "有配套练习吗", "{ts} 这一步怎么来的", "适合几年级", "课件能分享吗", "这是考研的内容吗", "有没有下一节", "用的什么软件做笔记", "能讲讲这道题的另一种解法吗", "这个公式要背吗"],
        },
        "en": {
            "positive": ["explained better than my professor", "finally i get it, thank you", "this method actually works", "your notes are so clean", "raised my score by 20 points", "the explanation is so clear", "where was this channel all semester", "this vocab trick is genius", "not hard at all when you explain it", "saved me before my exam"],
            "negative": ["way too fast, couldn't follow", "the answer at the end is wrong", "just an ad for a paid course", "never got to the point", "the course quality is poor", "tried this and it didn't help", "examples are too easy to be useful", "audio is too quiet", "this is teaching bad habits", "paid for this and it's so shallow"],
            "neutral": ["which textbook edition is this", "are there practice problems", "{ts} how did you get this step", "what grade level is this", "can you share the slides", "is this on the exam", "is there a next lesson", "what app do you use for notes", "can you show another way to solve it", "do we need to memorise this formula"],
        },
    },
}

# Category-free short comments: the one-word reactions every comment section has.
SHORT: dict[str, dict[str, list[str]]] = {
    "zh": {
        "positive": ["yyds", "绝绝子", "666666", "awsl", "太强了吧", "爱了爱了", "好耶", "牛哇牛哇", "冲冲冲", "真好", "好家伙 太厉害了", "哭了 太好了", "神仙视频"],
        "negative": ["无语", "下头", "就这？", "取关", "？？？这也能火", "毁了", "烂", "辣眼睛", "浪费时间", "退退退", "一般", "离谱"],
        "neutral": ["前排", "打卡", "第一", "来了", "沙发", "路过", "先赞后看", "今天更新了吗", "又是我", "考古", "蹲一个后续"],
    },
    "en": {
        "positive": ["slay", "W", "yesss", "obsessed", "so good", "iconic", "love this", "perfection", "ate", "legend", "no notes", "amazing"],
        "negative": ["mid", "L", "cringe", "nah", "boring", "flop", "ew", "skip", "meh", "yawn", "trash", "pass"],
        "neutral": ["first", "early", "here before 1m", "who's here in 2026?", "pov: it's 3am", "watching again", "day 3 of asking", "anyone else here from the ad", "hi", "back again"],
    },
}

# Mixed Chinese/English code-switching templates ({item} is a Chinese item phrase).
MIXED: dict[str, list[str]] = {
    "positive": [
        "{item}真的slay", "{item} yyds 太绝了 love it", "OMG {item}太好看了", "{item} is so good 爱了爱了", "respect {item}太强了",
        "lowkey 喜欢{item}", "{item}完全是我的type", "{item}真的好chill", "{item} 10/10 推荐", "谁懂 {item} hits different",
        "{item} no cap 真的好", "{item}绝了 obsessed", "{item}太nice了", "好emo 但{item}好治愈 thank u", "{item} 这个vibe我爱了",
        "{item}真的是 top tier", "{item}好有feel", "{item} 我宣布 W", "{item} perfect 没毛病", "感谢分享 {item} so helpful",
    ],
    "negative": [
        "{item}有点mid", "{item} 真的 not good", "{item}好cringe啊", "{item} so 下头", "{item}真的太fake了",
        "{item} 是 scam 吧", "{item} 给我整emo了 太失望", "{item} totally 踩雷", "{item} 一点都不worth", "{item} 真的 boring",
        "{item} 就这？ L", "{item}好low", "unfollow了 {item}越来越水", "{item} 无语 waste of time", "{item} 差评 no thanks",
        "{item} 纯 marketing", "{item} 真的 overrated", "{item}好tacky", "{item} 这也叫 quality？", "{item} nah 不推荐",
    ],
    "neutral": [
        "{item} link 有吗", "求{item}的 link", "{item}是什么 brand", "请问{item}在哪里买 thx", "{item} 多少钱 how much",
        "{item} 有 tutorial 吗", "{ts} {item} 是什么", "{item} 可以出个 part 2 吗", "{item} 是 original 吗", "mark一下 {item}",
        "{item} 的 size 是多少", "{item} 是 2026 的吗", "{item} 有 english version 吗", "check一下 {item}", "{item} 有 discount code 吗",
        "{item} 在哪个 app 能看", "{item} 的 bgm 是什么", "{item} update 了吗", "{item} 是 sponsored 吗", "pls 出{item}的 details",
    ],
}

# Decorations, each kept within one label so it never flips a row's meaning.
EMOJI = {
    "positive": ["😍", "🥰", "👍", "❤️", "🔥", "✨", "💯", "😭😭", "🙌", "😂", "👏", "💕", "🤩", "😋"],
    "negative": ["😅", "🙄", "😡", "👎", "💔", "😒", "🤮", "😤", "🥱", "😓", "💀", "🤡"],
    "neutral": ["🤔", "👀", "🙋", "❓", "📌", "🙏", "😶", "⏰"],
}
KAOMOJI = {
    "positive": ["(≧▽≦)", "(๑•̀ㅂ•́)و✧", "ヾ(≧▽≦*)o", "(*^▽^*)", "(｡♥‿♥｡)", "٩(◕‿◕)۶", "(✿◠‿◠)"],
    "negative": ["(╯°□°）╯︵ ┻━┻", "(－_－#)", "╮(╯_╰)╭", "(눈_눈)", "(¬_¬)", "(︶︹︺)", "(ーー゛)"],
    "neutral": ["(・ω・)", "(°ー°〃)", "( ˘･з･)", "(・_・?)", "(￣▽￣)ノ"],
}
MENTIONS = {
    "zh": ["@小鹿不乱撞", "@今天也要早睡", "@阿杰", "@奶茶三分糖", "@橙子同学", "@Lily_王", "@老陈"],
    "en": ["@jess.lee", "@mike_t", "@sarahhh", "@danny.codes", "@kayla_m", "@bigbro_ray", "@nina.k"],
}
MENTION_LEAD = {
    "zh": {"positive": ["{m} 快来看", "{m} 你看这个", "{m} 给你安利"], "negative": ["{m} 你看这个", "{m} 避雷"], "neutral": ["{m}", "{m} 你看", "{m} 上次说的那个"]},
    "en": {"positive": ["{m} look at this", "{m} we need this", "{m} omg"], "negative": ["{m} see i told you", "{m} avoid"], "neutral": ["{m}", "{m} look", "{m} this one?"]},
}
HASHTAGS = {
    "beauty": {"zh": ["#美妆", "#口红试色", "#护肤"], "en": ["#makeup", "#skincare", "#beautytok"]},
    "gaming": {"zh": ["#王者荣耀", "#游戏", "#电竞"], "en": ["#gaming", "#esports", "#gamer"]},
    "food": {"zh": ["#美食", "#探店", "#家常菜"], "en": ["#foodie", "#recipe", "#foodtok"]},
    "travel": {"zh": ["#旅行", "#旅游攻略", "#周末去哪儿"], "en": ["#travel", "#wanderlust", "#traveltok"]},
    "music": {"zh": ["#音乐", "#翻唱", "#热歌"], "en": ["#music", "#cover", "#newmusic"]},
    "dance": {"zh": ["#舞蹈", "#翻跳", "#街舞"], "en": ["#dance", "#dancechallenge", "#choreo"]},
    "comedy": {"zh": ["#搞笑", "#段子", "#沙雕日常"], "en": ["#comedy", "#funny", "#skit"]},
    "sports": {"zh": ["#篮球", "#足球", "#健身"], "en": ["#nba", "#football", "#fitness"]},
    "tech": {"zh": ["#数码", "#手机测评", "#科技"], "en": ["#tech", "#review", "#unboxing"]},
    "pets": {"zh": ["#萌宠", "#猫咪", "#狗狗"], "en": ["#cats", "#dogsoftiktok", "#petlover"]},
    "fashion": {"zh": ["#穿搭", "#ootd", "#通勤穿搭"], "en": ["#ootd", "#fashion", "#outfitideas"]},
    "education": {"zh": ["#学习", "#考研", "#干货"], "en": ["#studytok", "#learnontiktok", "#education"]},
}
URL_LINES = {
    "zh": {"neutral": ["原视频 https://v.example.cn/a8Kx2", "链接在这 https://shop.example.com/item/8812", "完整版看这里 https://b23.example/tv1234"],
           "negative": ["又是广告 https://shop.example.com/item/7731", "骗子链接别点 https://t.example/x9"]},
    "en": {"neutral": ["source: https://youtu.example/watch?v=dQ1x", "full video here https://vm.example.com/ZMx1", "link: https://shop.example.com/p/4411"],
           "negative": ["spam link, don't click https://bit.example/free-gift", "another ad https://shop.example.com/p/9988"]},
}
SUFFIX = {
    "zh": {"positive": ["！！！", "哈哈哈哈哈", "yyds", "啊啊啊啊", "真的", "冲"], "negative": ["。", "...", "服了", "唉", "无语"], "neutral": ["？", "~", "谢谢", "求回复"]},
    "en": {"positive": ["!!!", "fr fr", "no cap", "omg", "ngl", "!!"], "negative": [".", "...", "smh", "ugh", "tbh"], "neutral": ["?", " thx", " pls", " asking for a friend"]},
}
