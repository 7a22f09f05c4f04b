// Greeter - hoist init's Java sample: prints a greeting.
package example;

public final class Greeter {
    public static void main(String[] args) {
        System.out.println("hello from the java sample");
    }
}
