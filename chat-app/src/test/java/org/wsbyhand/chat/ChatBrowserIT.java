package org.wsbyhand.chat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.NoAlertPresentException;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.WindowType;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The front end in a real browser: Debian's headless Chromium driven by Selenium through the
 * system chromedriver (never a driver or browser downloaded by Selenium Manager). Skipped, with the
 * reason in the report, when the browser is not installed.
 */
class ChatBrowserIT {

    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final Path SCREENSHOTS = Path.of(System.getProperty("basedir", "."), "target", "screenshots");
    private static final String XSS = "<img src=x onerror=alert(1)>";

    private ChromeDriver driver;
    private ChatApp app;

    @BeforeAll
    static void browserIsInstalled() {
        assumeTrue(Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER),
                "skipped: the browser test needs Debian's chromium and chromium-driver "
                        + "(apt-get install chromium chromium-driver): /usr/bin/chromium or /usr/bin/chromedriver is missing");
    }

    @AfterEach
    void stop() {
        if (driver != null) {
            driver.quit();
        }
        if (app != null) {
            app.close();
        }
    }

    private ChromeDriver startBrowser(Path profile) {
        // The driver and the browser are named explicitly, so Selenium Manager has nothing to look up
        // or download.
        System.setProperty("webdriver.chrome.driver", CHROMEDRIVER.toString());
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File(CHROMEDRIVER.toString()))
                .usingAnyFreePort()
                .build();
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
                // Both tabs must keep running timers and sockets while the other one is in front.
                "--disable-background-timer-throttling", "--disable-renderer-backgrounding",
                "--disable-backgrounding-occluded-windows",
                "--window-size=900,700", "--user-data-dir=" + profile.toAbsolutePath());
        return new ChromeDriver(service, options);
    }

    private ChatConfig config(int port) {
        return ChatConfig.parse(List.of("--port", Integer.toString(port), "--bind", "127.0.0.1"), Map.of());
    }

    @Test
    void twoTabsChatRenderMarkupAsTextAndReconnectWithHistoryAfterARestart(@TempDir Path profile) throws Exception {
        MessageStore store = new InMemoryMessageStore(50);
        app = ChatApp.start(config(0), store);
        int port = app.port();
        String url = "http://127.0.0.1:" + port + "/";
        driver = startBrowser(profile);
        try {
            driver.get(url);
            String alice = driver.getWindowHandle();
            awaitIndicator("🟢");
            driver.switchTo().newWindow(WindowType.TAB);
            driver.get(url);
            String bob = driver.getWindowHandle();
            awaitIndicator("🟢");
            awaitText(By.id("status"), "2 online");

            // Bob writes, Alice sees it.
            post("bob", "hello from the second tab");
            driver.switchTo().window(alice);
            awaitMessages(List.of("hello from the second tab"));

            // Alice sends markup: both tabs show it as text, nothing is parsed or run.
            post("alice", XSS);
            awaitMessages(List.of("hello from the second tab", XSS));
            driver.switchTo().window(bob);
            awaitMessages(List.of("hello from the second tab", XSS));
            assertTrue(driver.findElements(By.cssSelector("#msgs img")).isEmpty(), "markup was parsed as HTML");
            assertThrows(NoAlertPresentException.class, () -> driver.switchTo().alert());

            // The server goes away: red. It comes back on the same port with the same store: green, history back.
            driver.switchTo().window(alice);
            app.close();
            app = null;
            awaitIndicator("🔴");
            app = ChatApp.start(config(port), store);
            awaitIndicator("🟢");
            awaitMessages(List.of("hello from the second tab", XSS));
            driver.switchTo().window(bob);
            awaitIndicator("🟢");
            awaitMessages(List.of("hello from the second tab", XSS));
            post("bob", "we are back");
            driver.switchTo().window(alice);
            awaitMessages(List.of("hello from the second tab", XSS, "we are back"));
            screenshot("chat.png");
        } catch (Throwable failure) {
            screenshot("chat-failure.png");
            throw failure;
        }
    }

    private void post(String user, String text) {
        WebElement userInput = driver.findElement(By.id("user"));
        userInput.clear();
        userInput.sendKeys(user);
        driver.findElement(By.id("text")).sendKeys(text);
        driver.findElement(By.cssSelector("#chat button[type=submit]")).click();
    }

    private void awaitIndicator(String expected) {
        new WebDriverWait(driver, WAIT).withMessage("presence indicator should be " + expected)
                .until(d -> expected.equals(d.findElement(By.id("presence-indicator")).getText()));
    }

    private void awaitText(By locator, String part) {
        new WebDriverWait(driver, WAIT).withMessage(locator + " should contain " + part)
                .until(d -> d.findElement(locator).getText().contains(part));
    }

    private void awaitMessages(List<String> expected) {
        new WebDriverWait(driver, WAIT).withMessage("messages should be " + expected)
                .until(d -> expected.equals(messageTexts(d)));
        assertEquals(expected, messageTexts(driver));
    }

    private static List<String> messageTexts(WebDriver d) {
        return d.findElements(By.cssSelector("#msgs li .text")).stream().map(WebElement::getText).toList();
    }

    private void screenshot(String name) {
        if (driver == null) {
            return;
        }
        try {
            Files.createDirectories(SCREENSHOTS);
            Path shot = ((TakesScreenshot) driver).getScreenshotAs(OutputType.FILE).toPath();
            Files.copy(shot, SCREENSHOTS.resolve(name), StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException | RuntimeException e) {
            System.err.println("could not save screenshot " + name + ": " + e);
        }
    }
}
