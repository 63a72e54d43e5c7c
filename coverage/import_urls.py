# Roster import pages (upload, preview, commit, template, rejected rows), under /coverage/.
urlpatterns: list = []
