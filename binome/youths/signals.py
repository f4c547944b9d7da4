from django.dispatch import Signal

# Sent when a youth's pathway must stop (a consent withdrawn): the pair lifecycle listens to end
# any running pair. Arguments: youth, reason, by.
pathway_stopped = Signal()
