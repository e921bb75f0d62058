/**
 * A host JVM that does nothing for {@code seconds} seconds and exits: what {@code bench/agent-cpu.sh}
 * attaches portwatch to (and runs a second time without it, as the control).
 */
public final class IdleMain {

    private IdleMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        long seconds = args.length > 0 ? Long.parseLong(args[0]) : 400;
        System.out.println("idle " + ProcessHandle.current().pid());
        Thread.sleep(seconds * 1000);
    }
}
