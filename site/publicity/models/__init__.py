"""Publicity pages: home, articles, typical cases, campaigns, warning-education bases."""

from publicity.models.articles import ArticleIndexPage, ArticlePage, ArticlePageTag, Topic
from publicity.models.bases import (
    FilingStatus,
    WarningBaseIndexPage,
    WarningBasePage,
    WarningBasePhoto,
)
from publicity.models.campaigns import CampaignIndexPage, CampaignPage
from publicity.models.cases import AccidentType, CaseIndexPage, CasePage
from publicity.models.home import HomePage

__all__ = [
    "AccidentType",
    "ArticleIndexPage",
    "ArticlePage",
    "ArticlePageTag",
    "CampaignIndexPage",
    "CampaignPage",
    "CaseIndexPage",
    "CasePage",
    "FilingStatus",
    "HomePage",
    "Topic",
    "WarningBaseIndexPage",
    "WarningBasePage",
    "WarningBasePhoto",
]
