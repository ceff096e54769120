"""One spider per source; each is a CampaignSpider, found by Scrapy through SPIDER_MODULES."""
