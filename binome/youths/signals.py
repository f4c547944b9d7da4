from django.dispatch import Signal

# Sent when a youth's pathway must stop (a consent withdrawn, an assessment concluding that mentoring no
# longer serves the youth): the pair lifecycle listens to end any running pair.
# Arguments: youth, reason ("consent_withdrawn" | "not_in_interest"), by; with "not_in_interest", the
# `assessment` (its concerted evaluation: who took part, the youth's opinion).
pathway_stopped = Signal()
