from django.dispatch import Signal

# Sent when a pair's row was written with QuerySet.update() (the counts, dates and colour kept current by
# the services), where no post_save fires: the layers above that follow pairs (the API's change feed)
# hear of it as they hear of a save. Arguments: mentorship, fields (the names of the fields written).
pair_changed = Signal()
