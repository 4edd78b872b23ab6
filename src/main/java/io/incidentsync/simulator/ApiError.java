package io.incidentsync.simulator;

/** An error answer in the API's shape; thrown while a request is checked, written by {@link ErrorBodies}. */
final class ApiError extends RuntimeException {
    final int status;
    final String type;
    final String code;
    final String field;

    ApiError(int status, String type, String code, String message, String field) {
        super(message);
        this.status = status;
        this.type = type;
        this.code = code;
        this.field = field;
    }

    static ApiError validation(String field, String message) {
        return new ApiError(422, "validation_error", "invalid_value", message, field);
    }

    static ApiError missing(String field) {
        return new ApiError(422, "validation_error", "is_required", field + " is required", field);
    }
}
