package dev.forestwatch.connect.common.send;

import java.util.List;

/** How a call went, as far as the send loop needs to know. */
public sealed interface Answer {

    /** No usable answer, or one that says try later (throttling, 5xx, no connection): the call is made again. */
    record RetryCall(String problem) implements Answer {
    }

    /**
     * The request was too large for the server (HTTP 413): it is sent again in halves, and a single entry refused so
     * follows the error policy with {@code aloneReason}. {@code hint} names the setting that avoids the split.
     */
    record TooLarge(String aloneReason, String hint) implements Answer {
    }

    /** One result per entry sent, in the request's order. */
    record PerEntry(List<Result> results) implements Answer {
    }

    /** All entries were taken: the common answer, with nothing to look at per entry. */
    record AllTaken() implements Answer {
    }

    AllTaken ALL_TAKEN = new AllTaken();

    /** One entry's result. */
    record Result(Kind kind, String reason, String shownReason) {

        /** Taken. */
        public static final Result TAKEN = new Result(Kind.TAKEN, null, null);

        /** Not taken for now (throttled, a 5xx for this entry): sent again after a backoff. */
        public static Result retry(final String reason) {
            return new Result(Kind.RETRY, reason, reason);
        }

        /**
         * Never to be taken: the error policy decides. {@code shown} is what logs and task errors may show (the
         * server may quote the record in {@code reason}); the dead-letter copy gets {@code reason} whole.
         */
        public static Result refused(final String reason, final String shown) {
            return new Result(Kind.REFUSED, reason, shown);
        }
    }

    /** What became of an entry. */
    enum Kind {
        TAKEN, RETRY, REFUSED
    }
}
