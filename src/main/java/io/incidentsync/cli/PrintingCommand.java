package io.incidentsync.cli;

import java.io.PrintStream;
import java.util.concurrent.Callable;

/**
 * A subcommand that reports on the streams the command line hands it rather than System.out and System.err, so
 * that a test or an embedding host reads what it printed.
 */
public abstract class PrintingCommand implements Callable<Integer> {

    protected final PrintStream out;
    protected final PrintStream err;

    protected PrintingCommand(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }
}
