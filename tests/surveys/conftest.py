from tests.mentorships.conftest import people, private_storage  # noqa: F401
