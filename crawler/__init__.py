"""storycrawler's Scrapy project: the `story` spider, its pipelines, extensions and command line."""
