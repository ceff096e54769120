"""Two community boards as HTML pages, the way boards really serve them: navigation, ads and
signatures around the posts, list pages sorted by last activity, threads paged.

- ``/bbs/phone/list?page=N``, ``/bbs/phone/view/<id>?cpage=N``: "폰마당", a Korean phone
  board in EUC-KR/CP949 (a ``<meta>`` charset, no charset header), dates as
  ``2026.10.16 09:12`` in KST, comments that answer other comments (``data-parent``).
- ``/community/forums/x2/page-N``, ``/community/threads/<slug>.<id>/page-N``: "Lumina
  Owners", an international XenForo-style forum (English, Spanish, Japanese, French,
  German, Portuguese), dates as ``Oct 16, 2026 at 9:12 AM`` UTC, or ``3 hours ago`` for
  posts of the last day; quotes name the quoted post. A moderators' thread under
  ``/community/private/`` is linked from the list and disallowed by robots.txt.

The corpus is built here from hand-written posts with seeded jitter (times, likes), so every
server holds the same boards. ``add_reply`` posts a new reply, as between two crawls.
"""

from __future__ import annotations

import html
import random
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from samples.server import Platform, Reply, Request, Route

LAUNCH = datetime(2026, 10, 15, 1, 0, tzinfo=UTC)
KST = ZoneInfo("Asia/Seoul")
LIST_PAGE = 5  # threads per list page
THREAD_PAGE = 4  # posts per thread page


@dataclass
class ForumPost:
    id: int
    author: str
    created_at: datetime
    body: str  # HTML
    images: list[str] = field(default_factory=list)
    quote: int | None = None  # the id of the post this one quotes or answers
    likes: int = 0


@dataclass
class Thread:
    id: int
    slug: str
    title: str
    posts: list[ForumPost]
    private: bool = False

    @property
    def last(self) -> ForumPost:
        return self.posts[-1]


# (author, text, image, quoted reply index, minutes after the thread started)
Script = list[tuple[str, str, str | None, int | None, int]]

KOREAN_THREADS: list[tuple[str, datetime, Script]] = [
    ("노바루미나 X2 출고가 150만원 실화냐", LAUNCH - timedelta(days=5), [
        ("가성비충", "루미나 X2 출고가가 150만원이라는 루머 돌던데 진짜면 너무 비싼 듯요.", None,
         None, 0),
        ("폰덕후", "작년 모델보다 20만원 올랐네요. 카메라 빼면 글쎄...", None, 0, 35),
        ("사진쟁이", "야간 촬영만 좋으면 저는 삽니다 ㅋㅋ", None, None, 80),
        ("똠양꿍", "150만원이면 할부로 24개월... 고민되네요", None, 1, 200),
        ("루미나팬", "사전예약 사은품 보고 결정하려고요. 케이스 주면 바로 지름", None, None, 320),
    ]),
    ("루미나 X2 야간 사진 찍어봤습니다", LAUNCH + timedelta(hours=20), [
        ("사진쟁이", "어제 한강에서 루미나 X2 야간 모드로 찍은 사진입니다. 노이즈가 거의 없어요.",
         "x2-night-shot.png", None, 0),
        ("밤하늘", "와 이게 폰카라고요? 야경 디테일 미쳤네요", None, None, 12),
        ("폰덕후", "손떨림 보정도 좋아 보이네요. 망원은 어떤가요?", None, None, 40),
        ("사진쟁이", "망원은 3배까지는 쓸 만하고 그 이상은 뭉개져요.", None, 2, 55),
        ("가성비충", "사진은 인정... 근데 가격이 ㅠㅠ", None, None, 130),
        ("루미나팬", "일몰 사진도 하나 올려봅니다. 색감 자연스러워요.", "sunset-sample.png", None,
         190),
    ]),
    ("X2 충전할 때 발열 심하네요", LAUNCH + timedelta(days=2), [
        ("배터리요정", "고속 충전 중에 뒷면이 손대기 힘들 정도로 뜨거워요. 저만 그런가요? "
         "루미나 X2 첫 폰인데 걱정되네요.", None, None, 0),
        ("폰덕후", "저도 45W로 충전하면 좀 뜨거워요. 25W로 바꾸니 괜찮음", None, None, 22),
        ("똠양꿍", "케이스 빼고 충전해 보세요. 매트 케이스가 열을 잡아두는 듯", None, None, 61),
        ("배터리요정", "케이스 빼니까 확실히 덜하네요. 배터리는 하루 반 가요.", None, 1, 95),
        ("루미나팬", "배터리 스크린샷 공유합니다. 화면 켜짐 7시간!", "battery-screenshot.png",
         None, 260),
    ]),
    ("1.0.3 업데이트 후 카메라 앱 튕김 (루미나 X2)", LAUNCH + timedelta(days=9), [
        ("폰덕후", "1.0.3 업데이트하고 나서 카메라 앱이 야간 모드에서 계속 튕깁니다.", None, None,
         0),
        ("사진쟁이", "저도요. 야간 모드 들어가면 3초 만에 꺼짐", None, None, 18),
        ("밤하늘", "서비스센터 문의하니 다음 패치에서 고친다네요", None, None, 70),
        ("가성비충", "150만원짜리 폰이 이러면 안 되죠...", None, 2, 90),
        ("폰덕후", "캐시 삭제하니까 좀 덜 튕기네요. 임시방편이지만", None, None, 150),
        ("배터리요정", "업데이트 후에 배터리도 빨리 닳는 느낌이에요", None, None, 240),
    ]),
    ("루미나 페인트 벽지 추천 좀 해주세요", LAUNCH + timedelta(days=3), [
        ("집꾸미기", "이사 가는데 루미나 페인트 화이트 써보신 분? 냄새 심한가요?", None, None, 0),
        ("똠양꿍", "저희 집 거실이 루미나 페인트인데 냄새 거의 없어요", None, None, 45),
    ]),
    ("[이벤트] 노바루미나 X2 무료 증정!! 선착순 100명", LAUNCH + timedelta(days=1), [
        ("이벤트봇", "노바루미나 X2 무료 증정 이벤트! 아래 링크에서 카톡 친구 추가하면 끝 "
         '<a href="http://free-x2.example/kr">http://free-x2.example/kr</a>',
         "giveaway-banner.png", None, 0),
        ("이벤트봇2", "저도 받았어요!! 진짜 와요 강추 "
         '<a href="http://free-x2.example/kr">http://free-x2.example/kr</a>', None, None, 3),
        ("폰덕후", "신고했습니다. 이런 거 누르지 마세요.", None, None, 30),
    ]),
    ("요즘 배터리 오래 가는 폰 뭐 있나요", LAUNCH + timedelta(days=4), [
        ("학생1", "부모님 폰 바꿔드리려는데 배터리 오래 가는 걸로 추천 부탁드립니다", None, None,
         0),
        ("배터리요정", "대화면 모델이 무난해요. 화면 밝기 낮추면 이틀 갑니다", None, None, 50),
    ]),
    ("루미나 X2 매트 실버 실물 후기 (디자인, 화면 밝기)", LAUNCH + timedelta(days=6), [
        ("루미나팬", "매트 실버 실물이 훨씬 예뻐요. 지문 안 묻고 화면 밝기도 야외에서 잘 보여요.",
         "x2-product-silver.png", None, 0),
        ("밤하늘", "블루도 봤는데 매트 마감은 실버가 제일 고급스럽네요", None, None, 25),
        ("가성비충", "디자인은 인정합니다. 가격만 좀 내려가면...", None, None, 47),
        ("사진쟁이", "화면 최대 밝기에서는 좀 따뜻해지긴 해요", None, 0, 88),
        ("폰덕후", "매트 마감 긁힘은 어떤가요?", None, None, 120),
        ("루미나팬", "한 달 썼는데 긁힘 없어요. 케이스 없이 씁니다", None, 4, 180),
        ("똠양꿍", "저도 실버로 예약 변경했습니다 ㅎㅎ", None, None, 300),
    ]),
]

GLOBAL_THREADS: list[tuple[str, datetime, Script]] = [
    ("Nova Lumina X2 launch megathread", LAUNCH - timedelta(hours=1), [
        ("mod_rachel", "The Nova Lumina X2 goes on sale at 01:00 UTC. Post your first "
         "impressions here, one thread for all of it please.", "launch-stage.png", None, 0),
        ("alex_k", "Ordered the matte silver the minute it went live. $1,299 stings though.",
         None, None, 70),
        ("mariana.g", "Pedido hecho: la Nova Lumina X2 azul. El precio es alto pero la cámara "
         "nocturna promete.", None, None, 95),
        ("kenji_t", "日本でも予約開始。Nova Lumina X2 の夜景モードが楽しみです。", None, None, 130),
        ("sophie_fr", "Commandé aussi ! Le prix pique un peu, mais l'écran est superbe en "
         "boutique.", None, None, 170),
        ("jonas.de", "Das matte Finish fühlt sich richtig gut an. Akku muss sich noch zeigen.",
         None, None, 240),
        ("pedro_pt", "Chegou hoje! A bateria durou o dia todo com uso pesado.", None, None, 900),
        ("alex_k", "Day one: the night shots are unreal, but it gets warm on the fast charger.",
         "x2-leak.jpg", None, 1300),
        ("mariana.g", "A mí también se calienta al cargar. ¿Alguien probó con otro cargador?",
         None, 7, 1350),
        ("mod_rachel", "Heat while charging has its own thread now, please continue there.",
         None, None, 1500),
        ("kenji_t", "画面の明るさは屋外でも十分。デザインも気に入っています。", None, None,
         1800),
        ("dan_b", "Returned mine. $1,299 for a phone that crashes on 1.0.3 is a no from me.",
         None, None, 3000),
    ]),
    ("X2 night mode samples thread", LAUNCH + timedelta(days=1, hours=3), [
        ("lens_lover", "Post your Nova Lumina X2 night shots. Here is the harbour at 11 pm, "
         "handheld.", "x2-night-shot.png", None, 0),
        ("alex_k", "Shadows hold detail without that oil-painting look. Impressive.", None,
         None, 40),
        ("kenji_t", "夜の渋谷で撮影。ノイズが本当に少ない。", "sunset-sample.png", None, 95),
        ("lens_lover", "Tip: hold still for the full two seconds, it stacks more frames.",
         None, 1, 150),
        ("sophie_fr", "Les photos de nuit sont bluffantes, mais le zoom 10x est flou.", None,
         None, 260),
    ]),
    ("Heat while charging on the Lumina X2", LAUNCH + timedelta(days=2, hours=5), [
        ("alex_k", "Moving this here: my Lumina X2 hits 44°C on the 65W charger.", None, None,
         0),
        ("jonas.de", "Meins auch, aber nur mit Hülle. Ohne Hülle bleibt es lauwarm.", None,
         None, 30),
        ("dan_b", "Just ordered the Nova Lumina X2 in matte silver, can't wait!!", None, None,
         44),
        ("pedro_pt", "Com o carregador de 30W não esquenta quase nada.", None, None, 80),
        ("mariana.g", "Confirmo: sin funda y con cargador de 30W no pasa de tibio.", None, 3,
         120),
        ("lens_lover", "Battery is the real win for me: two days with the display at 60% "
         "brightness.", "battery-screenshot.png", None, 200),
    ]),
    ("Firmware 1.0.3 crashes the camera app", LAUNCH + timedelta(days=9, hours=2), [
        ("dan_b", "Since 1.0.3 my Nova Lumina X2 camera crashes whenever I switch to night "
         "mode.", None, None, 0),
        ("lens_lover", "Same here. Clearing the camera cache helps for a day or so.", None,
         None, 25),
        ("mod_rachel", "Lumina support says 1.0.4 is coming next week with a fix.", None,
         None, 300),
        ("dan_b", "Good to hear, but shipping 1.0.3 like this was sloppy.", None, 2, 340),
    ]),
    ("Hilo en español: Nova Lumina X2, precio y batería", LAUNCH + timedelta(days=3), [
        ("mariana.g", "¿Vale la pena la Nova Lumina X2 por 1.299 dólares? La batería me dura "
         "un día y medio.", None, None, 0),
        ("carlos_mx", "En México sale carísima, pero la pantalla se ve increíble al sol.", None,
         None, 60),
        ("lucia_es", "Yo la devolví: se calentaba mucho al cargar y la actualización 1.0.3 "
         "rompió la cámara.", None, None, 180),
        ("mariana.g", "Qué pena, a mí la cámara me funciona bien con la 1.0.2.", None, 2, 200),
    ]),
    ("Nova Lumina X2 日本語スレ：画面とデザイン", LAUNCH + timedelta(days=4), [
        ("kenji_t", "Nova Lumina X2 を一週間使いました。画面がとても明るく、"
         "マット仕上げが上品です。",
         "x2-product-blue-small.jpg", None, 0),
        ("yuki_s", "充電中の発熱が少し気になります。バッテリー持ちは良いです。", None, None, 45),
        ("kenji_t", "発熱はケースを外すとかなり改善しますよ。", None, 1, 70),
    ]),
    ("Spotted a nova in Cassiopeia last night", LAUNCH + timedelta(days=5), [
        ("stargazer", "A bright nova in Cassiopeia, visible with binoculars around 2 am.", None,
         None, 0),
        ("lens_lover", "Got it on a tracker mount, magnitude about 6.", None, None, 90),
    ]),
    ("Lumina paint for a living room?", LAUNCH + timedelta(days=6), [
        ("diy_dana", "Is Lumina paint's matte white any good for a living room?", None, None,
         0),
        ("jonas.de", "We used it, two coats, no smell. Happy with it.", None, None, 120),
    ]),
    ("FREE Nova Lumina X2 GIVEAWAY - 50 units!!!", LAUNCH + timedelta(days=7), [
        ("gift_bot_77", "Win a FREE Nova Lumina X2! Follow and DM us at "
         '<a href="http://free-x2.example/win">free-x2.example/win</a>', "giveaway-banner.png",
         None, 0),
        ("gift_bot_78", "Just ordered the Nova Lumina X2 in matte silver, can't wait!!", None,
         None, 2),
        ("mod_rachel", "Spam. Locked, accounts banned.", None, None, 15),
    ]),
    ("Moderator notes: spam wave", LAUNCH + timedelta(days=8), [
        ("mod_rachel", "Nova Lumina X2 giveaway spam: ban on sight.", None, None, 0),
    ]),
]


def build_board(scripts: list[tuple[str, datetime, Script]], first_post_id: int,
                first_thread_id: int, seed: int) -> list[Thread]:
    """Threads from their scripts: posts get ids in the order they were written (as a
    board's database would), times and likes a seeded jitter."""
    rng = random.Random(seed)
    drafts = []
    for number, (_title, started, script) in enumerate(scripts):
        for index, (author, text, image, quote, minutes) in enumerate(script):
            when = started + timedelta(minutes=minutes + rng.randint(0, 4))
            drafts.append((when, number, index, author, text, image, quote))
    ids = {(number, index): first_post_id + position for position, (_, number, index, *_)
           in enumerate(sorted(drafts))}
    threads = []
    for number, (title, _started, _script) in enumerate(scripts):
        posts = [ForumPost(ids[number, index], author, when, f"<p>{text}</p>",
                           [image] if image else [],
                           ids[number, quote] if quote is not None else None,
                           rng.randint(0, 40))
                 for when, n, index, author, text, image, quote in sorted(drafts)
                 if n == number]
        slug = re.sub(r"[^a-z0-9]+", "-", " ".join(title.lower().split()[:4])).strip("-")
        threads.append(Thread(first_thread_id + number * 7, slug or "thread", title, posts,
                              private=title.startswith("Moderator notes")))
    return threads


def page_of(items: list, page: int, size: int) -> tuple[list, bool]:
    """The page's items (pages start at 1) and whether a later page exists."""
    start = (max(page, 1) - 1) * size
    return items[start:start + size], len(items) > start + size


def esc(text: str) -> str:
    return html.escape(text, quote=True)


class Forum(Platform):
    name = "forum"
    robots_disallow = ("/community/private/",)

    def __init__(self, server):
        super().__init__(server)
        self.boards: dict[str, list[Thread]] = {
            "kr-phone": build_board(KOREAN_THREADS, 10301, 10301, seed=11),
            "lumina-owners": build_board(GLOBAL_THREADS, 55101, 4401, seed=23),
        }
        for thread in self.boards["kr-phone"]:
            thread.id = thread.posts[0].id  # this board numbers a thread by its article

    def describe(self) -> str:
        counts = ", ".join(f"{name}: {sum(len(t.posts) for t in threads)} posts"
                           for name, threads in self.boards.items())
        return f"forum: {counts} (/bbs/phone/list, /community/forums/x2/)"

    def demo_options(self) -> list[dict[str, Any]]:
        """Both boards: one crawl each."""
        return [{"site": site, "base_url": self.server.base_url}
                for site in ("lumina-owners", "kr-phone")]

    def routes(self) -> list[Route]:
        return [
            self.route("GET", r"/bbs/phone/list", self.korean_list),
            self.route("GET", r"/bbs/phone/view/(?P<thread_id>\d+)", self.korean_thread),
            self.route("GET", r"/community/forums/x2/(?:page-(?P<page>\d+))?",
                       self.global_list),
            self.route("GET", r"/community/(?:private/)?threads/[^/]*\.(?P<thread_id>\d+)/"
                       r"(?:page-(?P<page>\d+))?", self.global_thread),
        ]

    def posts(self, board: str) -> list[ForumPost]:
        return [post for thread in self.boards[board] for post in thread.posts]

    def add_reply(self, board: str, thread_id: int, author: str, text: str,
                  created_at: datetime | None = None) -> ForumPost:
        """A new reply at the end of a thread, as between two crawls; the thread moves to the
        top of the list (last activity)."""
        with self.server.lock:
            post = ForumPost(max(p.id for p in self.posts(board)) + 1, author,
                             created_at or datetime.now(UTC), f"<p>{esc(text)}</p>")
            self.thread(board, thread_id).posts.append(post)
        return post

    def thread(self, board: str, thread_id: int) -> Thread:
        return next(t for t in self.boards[board] if t.id == thread_id)

    def by_activity(self, board: str) -> list[Thread]:
        with self.server.lock:
            return sorted(self.boards[board], key=lambda t: t.last.created_at, reverse=True)

    # -- 폰마당 (Korean, CP949, KST) -------------------------------------------------------------

    def korean_page(self, title: str, content: str, status: int = 200) -> Reply:
        page = f"""<!DOCTYPE html>
<html lang="ko"><head>
<meta http-equiv="Content-Type" content="text/html; charset=euc-kr">
<title>{esc(title)} : 폰마당</title></head>
<body>
<div id="gnb"><a href="/">폰마당</a> | <a href="/bbs/phone/list">휴대폰 게시판</a> |
<a href="/bbs/tablet/list">태블릿</a> | <a href="/member/login">로그인</a></div>
<div class="ad_top"><a href="http://ads.example/kr"><img src="/media/price-tag.png"
 alt="광고"></a> 최신폰 최저가 비교</div>
{content}
<div id="footer">폰마당 (c) 2026 · 운영정책 · 개인정보처리방침</div>
</body></html>"""
        return Reply(status, page.encode("cp949"), "text/html")

    def korean_date(self, when: datetime) -> str:
        return when.astimezone(KST).strftime("%Y.%m.%d %H:%M")

    def korean_list(self, request: Request) -> Reply:
        page = request.int_param("page", 1) or 1
        threads, more = page_of(self.by_activity("kr-phone"), page, LIST_PAGE)
        rows = "\n".join(
            f'<tr class="list_item"><td class="num">{t.id}</td>'
            f'<td class="subject"><a class="subject_link" href="/bbs/phone/view/{t.id}">'
            f'{esc(t.title)}</a> <span class="cmt_cnt">[{len(t.posts) - 1}]</span></td>'
            f'<td class="writer">{esc(t.posts[0].author)}</td>'
            f'<td class="last" data-last-id="{t.last.id}">{self.korean_date(t.last.created_at)}'
            f"</td></tr>" for t in threads)
        paging = f'<strong>{page}</strong>' + (
            f' <a class="pg_next" href="/bbs/phone/list?page={page + 1}">다음</a>' if more else "")
        return self.korean_page("휴대폰 게시판", f"""
<h2>휴대폰 게시판</h2>
<table class="board_list"><thead><tr><th>번호</th><th>제목</th><th>글쓴이</th><th>최근</th></tr>
</thead><tbody>
<tr class="notice"><td>공지</td><td>게시판 이용 규칙</td><td>운영자</td><td></td></tr>
{rows}
</tbody></table>
<div class="paging">{paging}</div>""")

    def korean_post(self, post: ForumPost, kind: str) -> str:
        images = "".join(f'<img src="/media/{name}" alt="첨부 이미지">' for name in post.images)
        parent = f' data-parent="{post.quote}"' if post.quote else ""
        return f"""<div class="post {kind}" id="p_{post.id}"{parent}>
<div class="post_info"><span class="nick" data-uid="u{sum(map(ord, post.author))}">
{esc(post.author)}</span> <span class="date">{self.korean_date(post.created_at)}</span></div>
<div class="post_body">{post.body}{images}</div>
<div class="sympathy">공감 <b>{post.likes}</b></div>
<div class="signature">-- 폰마당 앱에서 작성</div></div>"""

    def korean_thread(self, request: Request, thread_id: str) -> Reply:
        with self.server.lock:
            thread = next((t for t in self.boards["kr-phone"] if t.id == int(thread_id)), None)
            posts = list(thread.posts) if thread else []
        if thread is None:
            return self.korean_page("없는 글", "<p>삭제되었거나 없는 게시물입니다.</p>", 404)
        page = request.int_param("cpage", 1) or 1
        shown, more = page_of(posts, page, THREAD_PAGE)
        cells = "\n".join(self.korean_post(post, "article" if post is posts[0] else "comment")
                          for post in shown)
        paging = (f'<a class="cmt_next" href="/bbs/phone/view/{thread.id}?cpage={page + 1}">'
                  "다음 댓글</a>" if more else "")
        return self.korean_page(thread.title, f"""
<div class="view_head"><h1 class="view_title">{esc(thread.title)}</h1></div>
<div class="view_content">{cells}</div>
<div class="cmt_paging">{paging}</div>
<div class="ad_bottom">지금 가입하면 포인트 1000점!</div>""")

    # -- Lumina Owners (international, UTC, XenForo-style) ------------------------------------

    def global_page(self, title: str, content: str, status: int = 200) -> Reply:
        page = f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{esc(title)} | Lumina Owners</title></head>
<body>
<nav class="p-nav"><a href="/community/">Forums</a> <a href="/community/whats-new/">What's new</a>
<a href="/community/members/">Members</a></nav>
<div class="samAd"><a href="http://ads.example/cases"><img src="/media/x2-box.png"
 alt="Sponsored"></a> Cases for the X2, 20% off</div>
{content}
<footer class="p-footer">Lumina Owners is a fan community, not affiliated with Lumina.</footer>
</body></html>"""
        return Reply(status, page.encode("utf-8"), "text/html; charset=utf-8")

    def global_date(self, when: datetime) -> str:
        age = datetime.now(UTC) - when
        if timedelta(0) <= age < timedelta(days=1):
            hours = int(age.total_seconds() // 3600)
            return (f"{hours} hour{'s' if hours != 1 else ''} ago" if hours else
                    f"{int(age.total_seconds() // 60)} minutes ago")
        return when.strftime("%b %d, %Y at %I:%M %p").replace(" 0", " ")

    def thread_path(self, thread: Thread) -> str:
        area = "private/" if thread.private else ""
        return f"/community/{area}threads/{thread.slug}.{thread.id}/"

    def global_list(self, request: Request, page: str | None = None) -> Reply:
        number = int(page or 1)
        threads, more = page_of(self.by_activity("lumina-owners"), number, LIST_PAGE)
        items = "\n".join(
            f'<div class="structItem structItem--thread" data-thread="{t.id}">'
            f'<div class="structItem-title"><a href="{self.thread_path(t)}">{esc(t.title)}</a>'
            f'</div><div class="structItem-meta">{esc(t.posts[0].author)} · '
            f"{len(t.posts) - 1} replies</div>"
            f'<div class="structItem-cell--latest"><a class="latest" '
            f'href="{self.thread_path(t)}post-{t.last.id}">{self.global_date(t.last.created_at)}'
            f"</a></div></div>" for t in threads)
        nav = (f'<a class="pageNav-jump--next" href="/community/forums/x2/page-{number + 1}">'
               "Next</a>" if more else "")
        return self.global_page("Nova Lumina X2", f"""
<h1 class="p-title-value">Nova Lumina X2</h1>
<div class="structItemContainer">{items}</div>
<div class="pageNav">{nav}</div>""")

    def global_post(self, thread: Thread, post: ForumPost) -> str:
        quote = ""
        if post.quote:
            quoted = next(p for p in thread.posts if p.id == post.quote)
            quote = (f'<blockquote class="bbCodeBlock--quote" data-source="post: {post.quote}">'
                     f"{esc(quoted.author)} said: {quoted.body}</blockquote>")
        images = "".join(f'<img class="bbImage" src="/media/{name}" alt="">' for name in
                         post.images)
        user_id = sum(map(ord, post.author)) % 997
        return f"""<article class="message message--post" data-author="{esc(post.author)}"
 data-content="post-{post.id}" id="js-post-{post.id}">
<div class="message-user"><a href="/community/members/{esc(post.author)}.{user_id}/"
 class="username">{esc(post.author)}</a><div class="userTitle">Member</div></div>
<header class="message-attribution"><a class="permalink"
 href="{self.thread_path(thread)}post-{post.id}"><time class="u-dt"
 datetime="{post.created_at.isoformat()}">{self.global_date(post.created_at)}</time></a></header>
<div class="message-body"><div class="bbWrapper">{quote}{post.body}{images}</div></div>
<aside class="message-signature">Nova Lumina X2 · matte silver · 256 GB</aside>
<div class="reactionsBar"><span class="likes">{post.likes} likes</span></div>
</article>"""

    def global_thread(self, request: Request, thread_id: str, page: str | None = None) -> Reply:
        with self.server.lock:
            thread = next((t for t in self.boards["lumina-owners"] if t.id == int(thread_id)),
                          None)
            posts = list(thread.posts) if thread else []
        if thread is None:
            return self.global_page("Oops", "<p>The requested thread could not be found.</p>",
                                    404)
        number = int(page or 1)
        shown, more = page_of(posts, number, THREAD_PAGE)
        nav = (f'<a class="pageNav-jump--next" href="{self.thread_path(thread)}page-'
               f'{number + 1}">Next</a>' if more else "")
        articles = "\n".join(self.global_post(thread, post) for post in shown)
        return self.global_page(thread.title, f"""
<h1 class="p-title-value">{esc(thread.title)}</h1>
<div class="block-body">{articles}</div>
<div class="pageNav">{nav}</div>""")
