"""What the sample platforms' followers post about: for each interest category of the taxonomy
(its top-level ids) and each corpus language, everyday first-person posts with the hashtags
people add to them, each labelled with its subcategory, and a bio line.

The labels are the ground truth of the audience tests: a follower's posts are drawn here and
nowhere else, so every one of them is known to be about its category. The texts are ours,
written for this project. :data:`LAUNCH_TALK` holds technology posts that name the launched
phone, as a follower's hobby post can; a platform whose follower posts stay out of its
search serves them, to show that a crawl must still not count them as reactions.
"""

from __future__ import annotations

import random
import re

LANGS = ("ko", "en", "ja", "es")
HASHTAG = re.compile(r"#(\w+)")

Labelled = tuple[str, str, str]
"""A follower's post with its ground truth: (category, subcategory, text)."""

# category -> language -> (subcategory, text)
POSTS: dict[str, dict[str, list[tuple[str, str]]]] = {
    "fashion_beauty": {
        "en": [
            ("make_up", "Finally found a liquid liner that survives a full workday and a rainy "
                        "commute #makeup #eyeliner"),
            ("skincare", "Three weeks on a vitamin C serum and my dark spots are actually "
                         "fading #skincare"),
            ("street_fashion", "Oversized blazer, baggy jeans and chunky loafers today. Felt "
                               "like the coolest person on the train #ootd #streetstyle"),
            ("shoes", "Broke in my new white leather sneakers on a ten mile walk, zero "
                      "blisters #sneakers"),
            ("shopping", "Weekend haul from the vintage market: a suede jacket and two silk "
                         "scarves for forty bucks #thrifting"),
            ("make_up", "Tried a soft glam look for my cousin's wedding and the peach blush "
                        "was the star #makeup"),
        ],
        "ko": [
            ("make_up", "새로 산 쿠션 팩트 지속력 진짜 좋아요. 퇴근할 때까지 하나도 안 무너졌어요 "
                        "#메이크업 #쿠션추천"),
            ("skincare", "비타민C 세럼 3주째 쓰는 중인데 잡티가 확실히 옅어졌어요 #스킨케어"),
            ("street_fashion", "오늘의 코디는 오버핏 블레이저에 와이드 데님, 성수동 걷기 딱 "
                               "좋았어요 #데일리룩 #오오티디"),
            ("shoes", "새로 산 로퍼 하루 종일 신었는데 발이 하나도 안 아파요 #신발추천"),
            ("shopping", "세일 때 선크림이랑 립틴트 잔뜩 쟁여뒀어요. 통장은 울고 있지만 #쇼핑"),
            ("make_up", "친구 결혼식이라 코랄 블러셔로 화사하게 메이크업 해봤어요 #메이크업"),
        ],
        "ja": [
            ("make_up", "新しいリキッドアイライナー、雨の日の通勤でも全然にじまなくて感動 "
                        "#メイク #コスメ"),
            ("skincare", "ビタミンC美容液を使って3週間、シミがちょっと薄くなってきた気がする "
                         "#スキンケア"),
            ("street_fashion", "今日のコーデはオーバーサイズのジャケットにワイドデニム、"
                               "原宿を歩くのにぴったり #今日のコーデ #古着"),
            ("shoes", "新しいレザースニーカー、一日中歩いても靴擦れしなかった #スニーカー"),
            ("shopping", "週末の古着市でスエードのジャケットとスカーフをまとめ買いした "
                         "#お買い物"),
            ("make_up", "友だちの結婚式用に、ピーチ系のチークでふんわりメイクにしてみた #メイク"),
        ],
        "es": [
            ("make_up", "Por fin encontré un delineador que aguanta toda la jornada y la lluvia "
                        "del camino #maquillaje"),
            ("skincare", "Tres semanas con sérum de vitamina C y las manchas se notan mucho "
                         "menos #skincare #cuidadodelapiel"),
            ("street_fashion", "Look de hoy: blazer oversize, vaqueros anchos y mocasines. Me "
                               "sentí la más elegante del metro #outfit #moda"),
            ("shoes", "Estrené unas zapatillas de cuero blancas caminando todo el día y ni una "
                      "ampolla #zapatillas"),
            ("shopping", "Compras del finde en el rastro: una chaqueta de ante y dos pañuelos "
                         "de seda #compras #vintage"),
            ("make_up", "Maquillaje suave para la boda de mi prima, el colorete melocotón fue "
                        "la estrella #maquillaje"),
        ],
    },
    "health_fitness": {
        "en": [
            ("gym", "Leg day done, squatted 100 kg for five clean sets and now I cannot climb "
                    "stairs #gym #legday"),
            ("running", "Ran 10k before work in the fog and set a new personal best #running"),
            ("supplements", "Switched to creatine and a plain whey protein, recovery between "
                            "sessions feels so much better #fitness"),
            ("sportswear", "New compression tights and a light running jacket for the winter "
                           "training block #sportswear"),
            ("fitness", "Forty minutes of HIIT in the living room, my neighbours must hate the "
                        "burpees #homeworkout"),
            ("running", "Signed up for my first half marathon in April, the training plan "
                        "starts Monday #halfmarathon"),
        ],
        "ko": [
            ("gym", "오늘 하체 운동 완료, 스쿼트 100kg 다섯 세트 성공했어요. 계단 못 올라가겠다 "
                    "#오운완 #헬스"),
            ("running", "출근 전에 한강 10km 러닝, 개인 기록 갱신했어요 #러닝 #러닝크루"),
            ("supplements", "크레아틴이랑 단백질 보충제 바꿨더니 운동 후 회복이 훨씬 빨라요 "
                            "#보충제"),
            ("sportswear", "겨울 러닝용 기모 레깅스랑 바람막이 새로 장만했어요 #운동복"),
            ("fitness", "필라테스 6개월째인데 자세가 정말 많이 좋아졌어요 #필라테스 #운동"),
            ("running", "내년 봄 하프 마라톤 신청했어요. 이제 본격적으로 훈련 시작입니다 "
                        "#마라톤"),
        ],
        "ja": [
            ("gym", "ジムで脚の日、スクワット100キロを5セットやりきった。階段がつらい "
                    "#筋トレ #ジム"),
            ("running", "出勤前に皇居を10キロ走って自己ベスト更新 #ランニング"),
            ("supplements", "クレアチンとプロテインを変えたら、トレーニング後の回復が早くなった "
                            "#プロテイン"),
            ("sportswear", "冬のランニング用に新しいタイツとウインドブレーカーを買った "
                           "#スポーツウェア"),
            ("fitness", "家でHIITを40分、汗だくだけど頭がすっきりした #宅トレ"),
            ("running", "春のハーフマラソンにエントリーした、来週から練習開始 #マラソン"),
        ],
        "es": [
            ("gym", "Día de pierna terminado: sentadillas con 100 kilos y mañana no podré "
                    "caminar #gimnasio #fitness"),
            ("running", "Corrí 10 km antes del trabajo y batí mi marca personal #running"),
            ("supplements", "Empecé con creatina y proteína de suero, me recupero mucho mejor "
                            "entre entrenos #suplementos"),
            ("sportswear", "Mallas térmicas y cortavientos nuevos para entrenar este invierno "
                           "#ropadeportiva"),
            ("fitness", "Cuarenta minutos de HIIT en el salón, los vecinos deben odiar mis "
                        "burpees #entrenamiento"),
            ("running", "Me apunté a mi primera media maratón en abril, el plan empieza el "
                        "lunes #mediamaraton"),
        ],
    },
    "travel": {
        "en": [
            ("sightseeing", "Walked the old town of Porto all day, the tiled churches are even "
                            "prettier in person #travel"),
            ("lodging", "Our little guesthouse in Hoi An has a courtyard full of lanterns, best "
                        "booking I ever made #travel"),
            ("flights", "Scored a cheap red-eye to Reykjavik, sleeping on planes is a skill I "
                        "am still learning #wanderlust"),
            ("beach", "Spent the whole afternoon on a quiet beach in Crete with a book and zero "
                      "signal #beachlife"),
            ("food_travel", "Ate my way through the night market in Taipei, the pepper buns "
                            "were worth the queue #foodtravel"),
            ("sightseeing", "Sunrise at the temples was crowded but absolutely worth the 4am "
                            "alarm #travelgram"),
        ],
        "ko": [
            ("sightseeing", "교토 여행 3일차, 아침 일찍 간 청수사가 사람도 없고 너무 예뻤어요 "
                            "#여행 #교토여행"),
            ("lodging", "제주 애월 독채 숙소 예약했는데 창밖으로 바다가 보여요 #제주숙소 "
                        "#여행스타그램"),
            ("flights", "다음 달 리스본 왕복 항공권 특가로 겨우 잡았어요 #항공권 #여행"),
            ("beach", "발리 해변에서 노을 보면서 하루 종일 아무것도 안 했어요 #발리 #해변"),
            ("food_travel", "오사카 먹방 여행, 타코야키만 다섯 번은 먹은 것 같아요 #오사카 "
                            "#먹방여행"),
            ("sightseeing", "부산 감천문화마을 골목 걷다가 길을 잃었는데 그것마저 좋았어요 "
                            "#부산여행"),
        ],
        "ja": [
            ("sightseeing", "京都の朝、早起きして伏見稲荷の千本鳥居をほぼ独り占めできた "
                            "#旅行 #京都"),
            ("lodging", "箱根の温泉旅館、部屋付きの露天風呂が最高すぎた #温泉旅館 #旅"),
            ("flights", "格安航空券でソウル行きを予約した、週末だけの弾丸旅行 #旅行"),
            ("beach", "沖縄の誰もいないビーチで夕日を見ながらぼーっとしてた #沖縄 #海"),
            ("food_travel", "台湾の夜市で食べ歩き、胡椒餅のために30分並んだ価値あり "
                            "#台湾旅行 #食べ歩き"),
            ("sightseeing", "函館山からの夜景、寒かったけど見に行って本当によかった #北海道旅行"),
        ],
        "es": [
            ("sightseeing", "Recorrí el centro histórico de Oporto entero, los azulejos de las "
                            "iglesias son preciosos #viajes"),
            ("lodging", "Nuestro hostal en Cusco tiene vistas a las montañas y desayuno en la "
                        "terraza #viajar"),
            ("flights", "Conseguí vuelos baratísimos a Lisboa para el puente, maleta de mano y "
                        "listo #viajes #vuelos"),
            ("beach", "Tarde entera en una cala de Menorca con un libro y sin cobertura "
                      "#playa"),
            ("food_travel", "Ruta de tapas por Granada, en cada bar te ponen algo distinto con "
                            "la caña #viajargastronomico"),
            ("sightseeing", "Mochila lista para recorrer la Patagonia, tres semanas de glaciares "
                            "y montañas #viajar"),
        ],
    },
    "sports": {
        "en": [
            ("football", "What a match last night, a stoppage-time winner and the whole pub "
                         "lost its mind #football"),
            ("baseball", "Took my dad to the ballpark for opening day, hot dogs and a walk-off "
                         "homer #baseball"),
            ("basketball", "Pickup basketball at the park and I finally hit three in a row from "
                           "deep #basketball"),
            ("tennis", "Won my club doubles match in a third-set tiebreak, my forehand showed up "
                       "today #tennis"),
            ("surfing", "Dawn patrol surf session, clean head-high waves and only three of us "
                        "out #surfing"),
            ("football", "Season tickets renewed, another year of freezing in the away end "
                         "#matchday"),
        ],
        "ko": [
            ("football", "어제 축구 추가시간 역전골 보고 혼자 소리 질렀어요 #축구 #K리그"),
            ("baseball", "주말에 잠실 야구장 직관 다녀왔어요. 끝내기 홈런까지 완벽한 하루 "
                         "#야구 #직관"),
            ("basketball", "동네 농구 코트에서 3점슛 세 개 연속으로 넣었어요 #농구"),
            ("tennis", "테니스 레슨 두 달째인데 드디어 백핸드가 네트를 넘어가기 시작 #테니스"),
            ("surfing", "양양에서 서핑했는데 파도가 딱 좋아서 세 시간 동안 탔어요 #서핑 "
                        "#양양"),
            ("baseball", "올해도 응원하는 팀 시즌권 끊었습니다. 가을야구 가자 #야구"),
        ],
        "ja": [
            ("baseball", "昨日の野球、サヨナラホームランで球場全体が揺れてた #野球 "
                         "#プロ野球"),
            ("football", "週末はサッカー観戦、後半ロスタイムの決勝ゴールで思わず叫んだ "
                         "#サッカー #Jリーグ"),
            ("basketball", "公園のバスケコートでスリーポイントが3本連続で入った #バスケ"),
            ("tennis", "テニススクールのダブルスで初勝利、フォアが安定してきた #テニス"),
            ("surfing", "朝イチで湘南でサーフィン、波がちょうどよくて3時間入ってた "
                        "#サーフィン"),
            ("baseball", "今年も応援してるチームのファンクラブに入った、開幕が待ちきれない "
                         "#野球"),
        ],
        "es": [
            ("football", "Qué partido anoche, gol en el último minuto y el bar entero saltando "
                         "#fútbol #LaLiga"),
            ("baseball", "Fuimos al estadio a ver béisbol con mi papá, hot dogs y jonrón en la "
                         "novena #béisbol"),
            ("basketball", "Partido de baloncesto en la cancha del barrio y metí tres triples "
                           "seguidos #baloncesto"),
            ("tennis", "Gané el partido de dobles del club en el tie break del tercer set "
                       "#tenis"),
            ("surfing", "Surf al amanecer en Zarautz, olas limpias y casi nadie en el agua "
                        "#surf"),
            ("football", "Renové el abono de mi equipo, otro año sufriendo cada domingo "
                         "#fútbol"),
        ],
    },
    "entertainment": {
        "en": [
            ("movies", "Saw the new sci-fi epic on the biggest screen in town, the sound design "
                       "shook my seat #movies"),
            ("music", "This album has been on repeat all week and track four is a masterpiece "
                      "#nowplaying"),
            ("gaming", "Three hours into the new roguelike and I keep telling myself one more "
                       "run #gaming"),
            ("celebrities", "Cannot stop rewatching that actor's late-night interview, he was "
                            "so funny and so awkward #celebs"),
            ("concerts", "Got floor tickets for the March tour date and I am already planning "
                         "my outfit #concert"),
            ("gaming", "Co-op night with the crew, we finally beat the raid boss after two "
                       "weeks #gamingnight"),
        ],
        "ko": [
            ("movies", "새로 개봉한 SF 영화 아이맥스로 봤는데 영상미 진짜 대박이에요 #영화 "
                       "#영화추천"),
            ("music", "이번 앨범 수록곡까지 전부 좋아서 일주일째 무한 반복 중 #음악 "
                      "#플레이리스트"),
            ("gaming", "새로 나온 인디 게임 스토리에 빠져서 밤새 했어요 #게임 #인디게임"),
            ("celebrities", "좋아하는 배우가 예능에 나온 거 보고 하루 종일 웃었어요 #연예 "
                            "#예능"),
            ("concerts", "콘서트 티켓팅 성공했어요! 손이 떨려서 혼났네요 #콘서트 #티켓팅"),
            ("music", "출근길에 듣는 재즈 플레이리스트 공유합니다. 비 오는 날 특히 좋아요 "
                      "#음악추천"),
        ],
        "ja": [
            ("movies", "新作のSF映画をIMAXで観てきた、音響がすごくて座席まで震えた #映画 "
                       "#映画好き"),
            ("music", "新しいアルバムを一週間ずっとリピートしてる、4曲目が名曲 #音楽"),
            ("gaming", "週末は新作RPGをひたすら遊んでた、ストーリーが泣ける #ゲーム"),
            ("celebrities", "推しの俳優がバラエティに出てて一日中笑ってた #芸能 #推し活"),
            ("concerts", "ライブのチケット当たった!アリーナ席なので今から服を考えてる "
                         "#ライブ #参戦"),
            ("gaming", "友だちとオンラインで協力プレイ、やっとボスを倒せた #ゲーム好き"),
        ],
        "es": [
            ("movies", "Vi la nueva película de ciencia ficción en pantalla grande y el sonido "
                       "me dejó temblando #cine"),
            ("music", "Este disco no deja de sonar en casa, la cuarta canción es una joya "
                      "#música"),
            ("gaming", "Maratón de videojuegos este finde con los amigos, el jefe final nos "
                       "costó veinte intentos #videojuegos"),
            ("celebrities", "No paro de ver la entrevista de ese actor en el programa de anoche, "
                            "qué risa #famosos"),
            ("concerts", "Conseguí entradas de pista para el concierto de marzo y ya estoy "
                         "pensando qué ponerme #concierto"),
            ("music", "Mi lista para los lunes por la mañana: boleros, cumbia y un poco de rock "
                      "#música"),
        ],
    },
    "parenting": {
        "en": [
            ("baby_food", "Started our baby on pumpkin puree today, she made a face and then "
                          "asked for more #babyfood"),
            ("daycare", "First week of daycare drop-offs and honestly I cried more than my son "
                        "did #parenting"),
            ("schooling", "Parent-teacher meeting went well, our daughter apparently reads to "
                          "the whole class #momlife"),
            ("toys", "Wooden blocks are still the toy the kids play with most, the fancy "
                     "gadgets sit untouched #toddlerlife"),
            ("babysitting", "Looking for a reliable babysitter for Friday nights so we can have "
                            "one dinner out #parenting"),
            ("baby_food", "Batch cooked a week of veggie purees tonight, the freezer is full of "
                          "tiny cubes #dadlife"),
        ],
        "ko": [
            ("baby_food", "아기 이유식으로 단호박 퓨레 시작했는데 한 그릇 다 먹었어요 #이유식 "
                          "#육아"),
            ("daycare", "어린이집 적응 첫 주, 아이보다 제가 더 많이 울었어요 #어린이집 "
                        "#육아일기"),
            ("schooling", "초등학교 입학 준비물 챙기는데 생각보다 훨씬 많네요 #초등맘 #육아"),
            ("toys", "비싼 장난감보다 원목 블록을 제일 오래 가지고 놀아요 #장난감 #육아템"),
            ("babysitting", "주말 저녁에 아이 봐주실 베이비시터 구하고 있어요 #베이비시터"),
            ("baby_food", "주말에 이유식 큐브 일주일치 만들어서 냉동실이 꽉 찼어요 #이유식"),
        ],
        "ja": [
            ("baby_food", "離乳食にかぼちゃのペーストを始めたら、ぺろっと完食してくれた "
                          "#離乳食 #育児"),
            ("daycare", "保育園の慣らし保育一週目、子どもより私のほうが泣いてる #保育園 "
                        "#育児"),
            ("schooling", "小学校の入学準備、持ち物の名前つけだけで週末が終わった "
                          "#入学準備"),
            ("toys", "高いおもちゃより木の積み木で一番長く遊んでくれる #おもちゃ #育児"),
            ("babysitting", "週末の夜に来てくれるベビーシッターさんを探してます "
                            "#ベビーシッター"),
            ("baby_food", "一週間分の離乳食をまとめて作ったら冷凍庫がいっぱい #離乳食"),
        ],
        "es": [
            ("baby_food", "Empezamos la papilla de calabaza con el bebé y se la comió entera "
                          "#maternidad #bebé"),
            ("daycare", "Primera semana de guardería y lloramos los dos en la puerta "
                        "#crianza"),
            ("schooling", "Reunión con la maestra de mi hija, dice que lee cuentos a toda la "
                          "clase #maternidad"),
            ("toys", "Los bloques de madera siguen siendo su juguete favorito, los caros ni los "
                     "mira #juguetes"),
            ("babysitting", "Busco niñera de confianza para los viernes por la noche, una cena "
                            "al mes por favor #crianza"),
            ("baby_food", "Preparé purés de verduras para toda la semana y el congelador está "
                          "lleno #papás #bebé"),
        ],
    },
    "technology": {
        "en": [
            ("smartphones", "Updated my phone and the battery suddenly lasts well into the "
                            "evening, nice surprise #android"),
            ("computers", "Upgraded my old laptop to 32 GB of RAM and compiles are twice as "
                          "fast now #pcbuild"),
            ("gadgets", "Switched my keyboard to low-profile switches and typing feels brand "
                        "new #mechanicalkeyboard"),
            ("cameras", "Picked up a used mirrorless body and a 35mm prime, shooting street "
                        "photos again #photography"),
            ("software", "Spent the weekend self-hosting a photo backup app on a tiny home "
                         "server #homelab #selfhosted"),
            ("gadgets", "These noise-cancelling earbuds make the subway ride almost peaceful "
                        "#gadgets"),
        ],
        "ko": [
            ("smartphones", "휴대폰 업데이트하고 나서 배터리가 저녁까지 넉넉하게 가요 "
                            "#스마트폰 #IT"),
            ("computers", "노트북 램을 32기가로 업그레이드했더니 작업 속도가 확 달라졌어요 "
                          "#노트북"),
            ("gadgets", "기계식 키보드 직접 조립했는데 타건감이 너무 좋아요 #키보드 #테크"),
            ("cameras", "중고로 미러리스 카메라 들였어요. 주말마다 출사 나갈 예정 #카메라 "
                        "#미러리스"),
            ("software", "집에 NAS 구축하고 사진 자동 백업 설정 완료, 너무 편하네요 #NAS "
                         "#홈서버"),
            ("gadgets", "노이즈캔슬링 이어폰 덕분에 지하철 출근길이 조용해졌어요 #이어폰"),
        ],
        "ja": [
            ("computers", "自作PCのパーツがやっと揃った、週末に組み立てる予定 #自作PC"),
            ("gadgets", "新しいワイヤレスイヤホンのノイキャンがすごくて、電車がほぼ無音 "
                        "#ガジェット"),
            ("smartphones", "スマホのOSを更新したら動作が軽くなって、バッテリーも長持ち "
                            "#スマホ"),
            ("software", "古いノートPCにLinuxを入れたら、まだまだ現役で使える #Linux"),
            ("cameras", "中古のミラーレスと単焦点レンズを買った、街のスナップが楽しい "
                        "#カメラ #写真"),
            ("gadgets", "キーの低いメカニカルキーボードに変えたら、タイピングが楽しくなった "
                        "#キーボード"),
        ],
        "es": [
            ("gadgets", "Armé mi primer teclado mecánico y escribir ahora es un placer "
                        "#teclados #tecnología"),
            ("software", "Configurando un servidor casero con Linux para las copias de las "
                         "fotos #linux #selfhosted"),
            ("smartphones", "Actualicé el móvil y la batería me dura hasta la noche, buena "
                            "sorpresa #android"),
            ("computers", "Le puse 32 GB de RAM al portátil viejo y ahora compila el doble de "
                          "rápido #pc"),
            ("cameras", "Compré una cámara sin espejo de segunda mano y un 35 mm, vuelvo a la "
                        "foto callejera #fotografía"),
            ("gadgets", "Estos auriculares con cancelación de ruido hacen que el metro parezca "
                        "silencioso #gadgets"),
        ],
    },
    "food_drink": {
        "en": [
            ("home_cooking", "Made ramen broth from scratch, twelve hours of simmering well "
                             "spent #homecooking"),
            ("restaurants", "Best tacos in town are at the little truck behind the station, "
                            "trust me #foodie"),
            ("baking", "Sourdough attempt number twelve and I finally got an open crumb "
                       "#baking"),
            ("cafes_coffee", "New café downtown pours a lovely flat white and the croissants "
                             "are still warm #coffee"),
            ("drinks", "Went to a craft cider tasting this afternoon and the dry pear one won "
                       "me over #cider"),
            ("home_cooking", "Roasted tomato soup with grilled cheese for a rainy Sunday, pure "
                             "comfort #cooking"),
        ],
        "ko": [
            ("home_cooking", "오늘 저녁은 집에서 끓인 김치찌개, 묵은지 넣으니까 맛이 깊어요 "
                             "#집밥 #요리"),
            ("restaurants", "을지로 노포 순댓국집 발견했어요. 국물이 진짜 진해요 #맛집 "
                            "#을지로맛집"),
            ("baking", "주말에 처음으로 스콘 구워봤는데 겉바속촉 성공했어요 #홈베이킹"),
            ("cafes_coffee", "동네에 새로 생긴 카페 라떼가 고소해서 매일 가게 돼요 #카페 "
                             "#카페투어"),
            ("drinks", "전통주 시음회 다녀왔는데 막걸리 종류가 이렇게 많은 줄 몰랐어요 "
                       "#전통주"),
            ("restaurants", "성수동 새로 생긴 파스타집 웨이팅 한 시간 했는데 그럴 만했어요 "
                            "#성수맛집"),
        ],
        "ja": [
            ("home_cooking", "手作りの餃子、皮から作ってみたら家族に大好評 #料理 "
                             "#おうちごはん"),
            ("restaurants", "近所の喫茶店のナポリタンが昔ながらの味で最高 #グルメ"),
            ("baking", "週末に初めてカンパーニュを焼いた、クープがきれいに開いた #パン作り"),
            ("cafes_coffee", "新しくできたカフェのラテアートがかわいくて毎朝通ってる "
                             "#カフェ巡り #コーヒー"),
            ("drinks", "地元の酒蔵で日本酒の飲み比べ、辛口の純米が好みだった #日本酒"),
            ("restaurants", "行列のできるラーメン屋に一時間並んだけど、その価値はあった "
                            "#ラーメン"),
        ],
        "es": [
            ("home_cooking", "Receta de la abuela: tortilla de patatas con cebolla, jugosa por "
                             "dentro #recetas #cocina"),
            ("restaurants", "Probé el mejor ceviche de Lima en una cevichería diminuta del "
                            "mercado #comida"),
            ("baking", "Horneé pan de masa madre por primera vez y la miga salió perfecta "
                       "#panadería"),
            ("cafes_coffee", "Café de especialidad en el barrio, el cortado está buenísimo y "
                             "el bizcocho también #café"),
            ("drinks", "Cata de vinos en una bodega de La Rioja, el crianza me encantó "
                       "#vino"),
            ("home_cooking", "Hoy toca paella de verduras para toda la familia, con socarrat "
                             "incluido #cocinacasera"),
        ],
    },
    "news_politics": {
        "en": [
            ("local_news", "The city council finally approved the new bus lanes on Main "
                           "Street, about time #localnews"),
            ("economy", "Inflation numbers are out and my rent is still climbing faster than "
                        "my salary #economy"),
            ("politics", "Watching the election debate tonight with friends, bingo cards ready "
                         "#politics"),
            ("world_news", "Following the ceasefire talks closely this week, hoping the aid "
                           "corridors hold #worldnews"),
            ("environment", "The climate summit ended without a deal on coal, which is "
                            "depressing to read #climate"),
            ("local_news", "Went to the town hall meeting about the school budget, packed room "
                           "and a lot of anger #news"),
        ],
        "ko": [
            ("local_news", "우리 구에 버스전용차로 생긴다는 안건이 구의회를 통과했대요 "
                           "#지역뉴스"),
            ("economy", "물가 상승률 발표 봤는데 전월세는 여전히 오르기만 하네요 #경제 #물가"),
            ("politics", "오늘 밤 대선 후보 토론을 친구들이랑 같이 보는 중 #정치 #토론"),
            ("world_news", "휴전 협상 소식 계속 확인하고 있어요. 구호 물자가 무사히 들어가길 "
                           "#국제뉴스"),
            ("environment", "기후 정상회의가 석탄 합의 없이 끝났다니 정말 답답하네요 "
                            "#기후위기 #환경"),
            ("economy", "금리 동결 발표 나왔는데 대출 이자는 언제 내려갈까요 #경제뉴스"),
        ],
        "ja": [
            ("local_news", "市議会で新しいバス路線が可決された、通勤が楽になりそう "
                           "#地域ニュース"),
            ("economy", "物価上昇のニュースばかりで、家賃も光熱費も上がってる #経済"),
            ("politics", "今夜の党首討論を見てるけど、論点がかみ合ってない #政治"),
            ("world_news", "停戦交渉のニュースを毎日追ってる、支援物資が届くといいな "
                           "#国際ニュース"),
            ("environment", "気候サミットが石炭の合意なしで閉幕、正直がっかり #環境 "
                            "#気候変動"),
            ("economy", "金利のニュースを見て住宅ローンのことが気になってる #経済ニュース"),
        ],
        "es": [
            ("local_news", "El ayuntamiento aprobó por fin los carriles bus de la avenida, ya "
                           "era hora #noticias"),
            ("economy", "Salieron los datos de inflación y el alquiler sigue subiendo más que "
                        "los sueldos #economía"),
            ("politics", "Viendo el debate electoral esta noche con amigos y palomitas "
                         "#política"),
            ("world_news", "Sigo las negociaciones del alto el fuego cada día, ojalá llegue la "
                           "ayuda #internacional"),
            ("environment", "La cumbre del clima terminó sin acuerdo sobre el carbón, qué "
                            "decepción #cambioclimático"),
            ("local_news", "Asamblea de vecinos por el cierre del centro de salud, la sala "
                           "llena #barrio #noticias"),
        ],
    },
    "nightlife": {
        "en": [
            ("cocktails", "The cocktail bar on 5th street makes the best negroni I have ever "
                          "had #cocktails"),
            ("clubbing", "Danced until 3am at the warehouse party, my feet hate me but my heart "
                         "is happy #nightout"),
            ("karaoke", "Karaoke night with the team, I sang three power ballads and have no "
                        "regrets #karaoke"),
            ("late_night_food", "Late-night dumplings after the bar are honestly the best part "
                                "of going out #latenight"),
            ("bars", "Found a tiny jazz bar with twelve seats and a bartender who remembers "
                     "your order #bars"),
            ("clubbing", "The DJ played a two hour closing set and nobody wanted to leave the "
                         "floor #clubbing"),
        ],
        "ko": [
            ("clubbing", "홍대 클럽에서 새벽 세 시까지 놀았어요. 다리가 후들거려요 #불금 "
                         "#클럽"),
            ("cocktails", "을지로 칵테일 바에서 마신 네그로니가 인생 칵테일이에요 #칵테일"),
            ("karaoke", "회식 끝나고 노래방 세 시간, 발라드만 다섯 곡 불렀어요 #노래방"),
            ("late_night_food", "새벽에 포장마차에서 먹는 떡볶이랑 어묵이 최고예요 #야식 "
                                "#포장마차"),
            ("bars", "좌석이 열두 개뿐인 재즈 바를 찾았는데 분위기가 완전 제 취향 #재즈바 "
                     "#술스타그램"),
            ("clubbing", "디제이가 마지막 두 시간 내내 분위기를 최고로 끌어올렸어요 #클럽 "
                         "#불토"),
        ],
        "ja": [
            ("bars", "新宿の小さなバーで、マスターおすすめのウイスキーを三杯 #バー"),
            ("clubbing", "渋谷のクラブで朝まで踊った、足が棒だけど楽しかった #クラブ "
                         "#夜遊び"),
            ("karaoke", "会社の仲間とカラオケオール、バラードばかり歌ってた #カラオケ"),
            ("late_night_food", "飲んだ後のシメのラーメンがやめられない、深夜の背徳感 "
                                "#夜食"),
            ("cocktails", "ホテルのバーで季節のカクテル、柚子のジントニックが絶品 #カクテル"),
            ("clubbing", "DJの最後の2時間が最高で、誰もフロアから帰らなかった #クラブ"),
        ],
        "es": [
            ("cocktails", "Cócteles en la terraza del bar hasta la madrugada, el de mezcal con "
                          "maracuyá buenísimo #cócteles"),
            ("clubbing", "Bailamos en la discoteca hasta las 4 y volvimos a casa cantando "
                         "#fiesta"),
            ("karaoke", "Noche de karaoke con las amigas, canté tres baladas y no me arrepiento "
                        "#karaoke"),
            ("late_night_food", "Tacos al pastor de madrugada después de la fiesta, lo mejor de "
                                "la noche #tacos"),
            ("bars", "Encontré un bar de jazz con doce mesas y un camarero que se acuerda de lo "
                     "que pides #bares"),
            ("clubbing", "El DJ cerró con dos horas increíbles y nadie quería irse de la pista "
                         "#discoteca"),
        ],
    },
}
CATEGORIES = tuple(POSTS)

# category -> language -> a bio line; a follower with two interests joins two lines
BIOS: dict[str, dict[str, str]] = {
    "fashion_beauty": {"en": "make-up, skincare and outfits", "ko": "메이크업이랑 패션 좋아해요",
                       "ja": "コスメと服が好き", "es": "maquillaje, moda y skincare"},
    "health_fitness": {"en": "lifting and running", "ko": "운동하는 직장인",
                       "ja": "筋トレとランニング", "es": "gimnasio y running"},
    "travel": {"en": "always planning the next trip", "ko": "여행 다니는 게 취미",
               "ja": "旅行好き", "es": "viajera por el mundo"},
    "sports": {"en": "football on weekends, surf when I can", "ko": "스포츠 직관러",
               "ja": "野球とサッカー観戦", "es": "fútbol y surf"},
    "entertainment": {"en": "movies, music and games", "ko": "영화랑 음악 좋아하는 사람",
                      "ja": "映画と音楽とゲーム", "es": "cine, música y videojuegos"},
    "parenting": {"en": "parent of two little ones", "ko": "두 아이 엄마", "ja": "二児の母",
                  "es": "mamá de dos"},
    "technology": {"en": "gadgets and home servers", "ko": "IT 기기 덕후", "ja": "ガジェット好き",
                   "es": "tecnología y gadgets"},
    "food_drink": {"en": "home cook and coffee lover", "ko": "맛집 탐방러",
                   "ja": "食べるのが好き", "es": "cocina y café"},
    "news_politics": {"en": "local news and policy", "ko": "시사 뉴스 챙겨보는 사람",
                      "ja": "ニュースと政治", "es": "actualidad y política"},
    "nightlife": {"en": "night owl", "ko": "불금은 못 참지", "ja": "夜の街が好き",
                  "es": "de fiesta los viernes"},
}

# language -> a technology post that names the launched phone
LAUNCH_TALK: dict[str, tuple[str, str]] = {
    "en": ("smartphones", "Reading the Nova Lumina X2 teardown, the cooling looks thin for a "
                          "phone this fast #tech"),
    "ko": ("smartphones", "노바루미나 X2 분해 영상 봤는데 방열 구조가 좀 약해 보이네요 #테크"),
    "ja": ("smartphones", "ノヴァルミナX2の分解記事を読んだけど、放熱がちょっと心配 "
                          "#ガジェット"),
    "es": ("smartphones", "Leyendo el desmontaje del Nova Lumina X2, la refrigeración parece "
                          "justa #tecnología"),
}


def bio(interests: tuple[str, ...], lang: str) -> str:
    return " · ".join(BIOS[category][lang] for category in interests)


def hashtags(text: str) -> list[str]:
    """The text's hashtags, without ``#``, in order, each once."""
    return list(dict.fromkeys(HASHTAG.findall(text)))


def follower_posts(interests: tuple[str, ...], lang: str, rng: random.Random,
                   launch_talk: bool = False) -> list[Labelled]:
    """Four to six posts in ``lang``, newest first: all about one interest, or half about each
    of two, interleaved, so a follower's share of a category is exactly 1 or 1/2 and any
    recent few posts show both. ``launch_talk`` lets a technology post name the phone."""
    count = rng.randrange(4, 7) if len(interests) == 1 else rng.choice((4, 6))
    drawn = []
    for category in interests:
        texts = POSTS[category][lang] + (
            [LAUNCH_TALK[lang]] if launch_talk and category == "technology" else [])
        drawn.append([(category, sub, text)
                      for sub, text in rng.sample(texts, count // len(interests))])
    return [post for turn in zip(*drawn, strict=True) for post in turn]
