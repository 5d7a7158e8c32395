package dev.siprec.core.metadata;

import com.ctc.wstx.stax.WstxInputFactory;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;

/** Reads the raw extension data kept by {@link MetadataParser}: elements by local name. */
final class ExtensionXml {

    private static final XMLInputFactory XML = xmlFactory();

    private ExtensionXml() {
    }

    private static XMLInputFactory xmlFactory() {
        WstxInputFactory f = new WstxInputFactory();
        f.setProperty(XMLInputFactory.SUPPORT_DTD, Boolean.FALSE);
        f.setProperty(XMLInputFactory.IS_SUPPORTING_EXTERNAL_ENTITIES, Boolean.FALSE);
        return f;
    }

    /** The text of the first element with this local name, or null. */
    static String first(Map<String, List<Element>> elements, String name) {
        List<Element> l = elements.get(name);
        return l == null || l.isEmpty() ? null : l.get(0).text();
    }

    /** An element of an extension: its attributes by local name and its direct text. */
    record Element(Map<String, String> attributes, String text) {
    }

    /** Every element of an extension document by local name (extension data is small). */
    static Map<String, List<Element>> elements(String xml) {
        Map<String, List<Element>> out = new HashMap<>();
        XMLStreamReader r = null;
        try {
            r = XML.createXMLStreamReader(new StringReader(xml));
            List<String> names = new ArrayList<>();
            List<StringBuilder> texts = new ArrayList<>();
            List<Map<String, String>> attrs = new ArrayList<>();
            while (r.hasNext()) {
                int ev = r.next();
                if (ev == XMLStreamConstants.START_ELEMENT) {
                    Map<String, String> a = new HashMap<>();
                    for (int i = 0; i < r.getAttributeCount(); i++) {
                        a.put(r.getAttributeLocalName(i), r.getAttributeValue(i));
                    }
                    names.add(r.getLocalName());
                    texts.add(new StringBuilder());
                    attrs.add(a);
                } else if (ev == XMLStreamConstants.CHARACTERS || ev == XMLStreamConstants.CDATA) {
                    if (!texts.isEmpty()) {
                        texts.get(texts.size() - 1).append(r.getText());
                    }
                } else if (ev == XMLStreamConstants.END_ELEMENT) {
                    int last = names.size() - 1;
                    out.computeIfAbsent(names.remove(last), k -> new ArrayList<>())
                            .add(new Element(attrs.remove(last), texts.remove(last).toString().trim()));
                }
            }
        } catch (XMLStreamException e) {
            // extension data was serialised by our own parser; unreadable means no hint
        } finally {
            if (r != null) {
                try {
                    r.close();
                } catch (XMLStreamException ignored) {
                    // nothing held
                }
            }
        }
        return out;
    }
}
