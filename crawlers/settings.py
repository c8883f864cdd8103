"""Scrapy settings for the nianbao crawler: polite by default.

Government portals are public infrastructure run on small budgets; we identify ourselves, obey
robots.txt, keep at most two requests in flight per site and let AutoThrottle slow us down further
when a site answers slowly. Tests and benchmarks relax the delays (``--no-throttle``), never the
rules (robots.txt, allowed domains, size limit).
"""

BOT_NAME = "nianbao"
SPIDER_MODULES = ["crawlers.spiders"]
NEWSPIDER_MODULE = "crawlers.spiders"

# An honest User-Agent with a contact URL, so a webmaster can find out who we are.
USER_AGENT = "nianbao/0.1 (+https://github.com/nianbao/nianbao; open data on government disclosure reports)"

# --- politeness ---------------------------------------------------------------------------------
ROBOTSTXT_OBEY = True
CONCURRENT_REQUESTS = 16  # across portals in one process (one portal per process in practice)
CONCURRENT_REQUESTS_PER_DOMAIN = 2
DOWNLOAD_DELAY = 1.0  # seconds between requests to one site…
DOWNLOAD_DELAY_JITTER = 0.5  # …randomised ±50%, so our requests do not beat like a clock
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 1.0
AUTOTHROTTLE_MAX_DELAY = 30.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 1.0

# --- robustness ---------------------------------------------------------------------------------
DOWNLOAD_TIMEOUT = 60
RETRY_ENABLED = True
RETRY_TIMES = 3  # after the first attempt
RETRY_HTTP_CODES = [500, 502, 503, 504, 522, 524, 408, 429]
# Exponential backoff between retries (crawlers.middlewares.BackoffRetryMiddleware):
# delay = RETRY_BACKOFF_BASE * 2 ** (attempt - 1), capped at RETRY_BACKOFF_MAX.
RETRY_BACKOFF_BASE = 2.0
RETRY_BACKOFF_MAX = 60.0
REDIRECT_MAX_TIMES = 10  # a redirect loop ends here and is recorded as a fault
DOWNLOAD_MAXSIZE = 50 * 1024 * 1024  # reports are small; anything bigger is not one
DOWNLOAD_WARNSIZE = 20 * 1024 * 1024
DOWNLOAD_FAIL_ON_DATALOSS = True  # a truncated body is a fault, never a stored document
COOKIES_ENABLED = False  # nothing we fetch needs a session
TELNETCONSOLE_ENABLED = False

# Items of one response go through the pipelines one at a time: they are synchronous, so more could not
# overlap anyway, and Scrapy starts one asyncio task per allowed item for every response (100 by default:
# a fifth of the crawl's CPU on a fast portal). The spider's page callbacks still take all of a page's
# links at once (``_all_at_once`` in crawlers.spiders.annual_reports).
CONCURRENT_ITEMS = 1

# Our own requests use dont_filter (redirect loops must reach the errback); the spider keeps its own
# set of seen canonical URLs instead of the default duplicate filter.
DUPEFILTER_CLASS = "scrapy.dupefilters.BaseDupeFilter"
# Breadth-first: list pages before the details they lead to keeps memory flat on big portals.
DEPTH_PRIORITY = 1
SCHEDULER_DISK_QUEUE = "scrapy.squeues.PickleFifoDiskQueue"
SCHEDULER_MEMORY_QUEUE = "scrapy.squeues.FifoMemoryQueue"

DOWNLOADER_MIDDLEWARES = {
    # The fence (crawlers.fence): every request, start URLs and robots.txt included, is checked
    # before robots.txt is asked about it; replaces Scrapy's offsite filter, which skips
    # dont_filter requests.
    "scrapy.downloadermiddlewares.offsite.OffsiteMiddleware": None,
    "crawlers.middlewares.AllowedDomainsMiddleware": 50,
    # Off: replaced by the backoff variant at the same position.
    "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
    "crawlers.middlewares.BackoffRetryMiddleware": 550,
    # Adds If-None-Match / If-Modified-Since from what earlier crawls saw (before the cache-less
    # downloader; after robots.txt so forbidden URLs are never asked about).
    "crawlers.middlewares.ConditionalRequestMiddleware": 560,
    # Fix the charset of HTML before the spider reads it (runs on the way back, after decompression).
    "crawlers.middlewares.CharsetMiddleware": 580,
    # A redirect leaving the fence is dropped here, before RedirectMiddleware (600) follows it.
    "crawlers.middlewares.RedirectFenceMiddleware": 650,
}

ITEM_PIPELINES = {
    # Enabled per run by crawlers.crawl: RawStorePipeline (warehouse) and/or OutputDirPipeline.
    "crawlers.pipelines.StatsPipeline": 900,
}

# The warehouse (crawlers.pipelines.RawStorePipeline) takes fetches in batches: a transaction of three
# statements per fetch was a sixth of the crawl's CPU. A batch is committed at this many fetches, at this
# many bytes of bodies (reports can be megabytes: bounded memory), after this many seconds (a slow portal
# still sees its fetches stored), and at the crawl's end; a crawl killed outright loses at most one batch,
# which the next crawl fetches again.
NIANBAO_WAREHOUSE_BATCH_ITEMS = 100
NIANBAO_WAREHOUSE_BATCH_BYTES = 32 * 1024 * 1024
NIANBAO_WAREHOUSE_BATCH_SECONDS = 5.0

EXTENSIONS = {
    "crawlers.extensions.ProgressReporter": 500,
}
NIANBAO_PROGRESS_INTERVAL = 1.0  # seconds between JSON progress lines on stderr

# How far discovery wanders from the start URL through navigation links, and how many list pages a
# single column may have.
NIANBAO_MAX_NAV_DEPTH = 4
NIANBAO_MAX_LIST_PAGES = 500
NIANBAO_MAX_NAV_PAGES = 300  # disclosure-area pages followed (not list pages)

# --- re-crawls ----------------------------------------------------------------------------------
# HTTP freshness: a report the warehouse (or manifest) holds and last checked (200 or 304) less than
# this many days ago is not asked for again when only pages that listed it on the last crawl lead to it:
# unchanged (304) pages, and changed pages that still list it (the change is elsewhere, typically a new
# entry at the top). A link new to its page (a new report, or one that moved there) is asked, in full
# if new, conditionally if known. 90 days: the monthly runs then revalidate each report about once a
# quarter — a revision is found within three months, whether or not the portal marks it on its list,
# and a monthly run costs little more than its list pages and new reports. 0 revalidates every known
# report on every crawl.
NIANBAO_REVALIDATE_AFTER_DAYS = 90
# How far a re-crawl walks a list. Portals publish newest first, so a re-crawl asks a list's pages one after another
# and stops at the first page whose report links all lead to what the crawl already holds (a report in the warehouse
# or manifest, a page in the page cache): the pages after it were there before. Once this many days have passed
# since the portal's last walk of every list to its end (recorded in the page cache), the next crawl walks every
# page again, all at once, to find reports inserted deeper in a list; reports on pages a shorter walk leaves are
# revalidated then too (NIANBAO_REVALIDATE_AFTER_DAYS applies to the reports a walk reaches). The first crawl of a
# portal is such a deep walk, and so is one asked for (``python -m crawlers.crawl --deep``). 300 days: about once a
# year on the monthly runs. 0 walks every page on every crawl (the behaviour before).
NIANBAO_DEEP_CRAWL_AFTER_DAYS = 300

# --- shards -------------------------------------------------------------------------------------
# "i/n": this process is one of n crawling the same portal, following only its share of the report
# links (crawlers.shards); "0/1" is the whole portal. Politeness is per process, so only an unthrottled
# crawl (a local portal) may be sharded: crawlers.crawl refuses n > 1 with throttling on.
NIANBAO_CRAWL_SHARD = "0/1"

LOG_LEVEL = "WARNING"
LOG_INSTALL_ROOT_HANDLER = True
FEED_EXPORT_ENCODING = "utf-8"

# --- what stays fixed -----------------------------------------------------------------------------
# A profile is data (crawlers.profiles): it cannot set any of the above, only ask for more
# politeness within these bounds (a longer delay, fewer requests at a time, a shorter timeout).
PROFILE_DOWNLOAD_DELAY_MAX = 60.0
PROFILE_DOWNLOAD_TIMEOUT_MIN = 5
# A caller's overrides (``run_crawl(settings=…)``, ``--set``) may tune timeouts, retries and delays,
# never the rules: robots.txt, the fence, the size cap, where items go.
LOCKED_SETTINGS = frozenset(
    {
        "ROBOTSTXT_OBEY",
        "ROBOTSTXT_PARSER",
        "ROBOTSTXT_USER_AGENT",
        "USER_AGENT",
        "DOWNLOADER_MIDDLEWARES",
        "DOWNLOADER_MIDDLEWARES_BASE",
        "SPIDER_MIDDLEWARES",
        "SPIDER_MIDDLEWARES_BASE",
        "DOWNLOAD_HANDLERS",
        "DOWNLOAD_HANDLERS_BASE",
        "DOWNLOAD_MAXSIZE",
        "DOWNLOAD_WARNSIZE",
        "DOWNLOAD_FAIL_ON_DATALOSS",
        "ITEM_PIPELINES",
        "EXTENSIONS",
        "EXTENSIONS_BASE",
        "ADDONS",
        "SPIDER_MODULES",
        "FEEDS",
        "FEED_URI",
        "FEED_FORMAT",
        "FEED_STORAGES",
        "FEED_EXPORTERS",
        "NIANBAO_OUTPUT_DIR",
        "NIANBAO_DATABASE_URL",
        "NIANBAO_STATE_DIR",
    }
)
