"""The one application error type. Services raise it; views and the API turn it into a response."""


class ApplicationError(Exception):
    status_code = 400

    def __init__(self, message, *, errors=None, status_code=None):
        super().__init__(message)
        self.message = str(message)
        self.errors = errors or {}
        if status_code is not None:
            self.status_code = status_code
