module com.example.modular {
    requires org.wsbyhand.server; // and, through it, org.wsbyhand.protocol (CloseCode, Limits, ...)
}
