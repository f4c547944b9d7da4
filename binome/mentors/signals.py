from django.dispatch import Signal

# Sent when the département confirms a failed honorability check on a mentor: the pair lifecycle
# closes the mentor's pairs with the reason « honorabilité ». Arguments: mentor, check, by.
honorability_failed = Signal()
