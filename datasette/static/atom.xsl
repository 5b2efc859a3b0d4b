<?xml version="1.0" encoding="utf-8"?>
<!-- How a browser shows the site's Atom feeds: a French page that says what a feed is and
     lists its entries. Links come from the feed, where only http(s) addresses are written;
     text is copied as text, never as markup. -->
<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform" xmlns:atom="http://www.w3.org/2005/Atom">
  <xsl:output method="html" encoding="utf-8" doctype-system="about:legacy-compat"/>
  <xsl:template match="/atom:feed">
    <html lang="fr">
      <head>
        <meta charset="utf-8"/>
        <meta name="viewport" content="width=device-width, initial-scale=1"/>
        <title><xsl:value-of select="atom:title"/> (flux Atom)</title>
        <link rel="stylesheet" href="/static/veille.css"/>
      </head>
      <body class="feed-page">
        <main class="content" id="contenu">
          <p class="feed-notice">Ceci est un <strong>flux Atom</strong> : pour être averti des nouveaux documents, copiez
            l'adresse de cette page dans votre lecteur de flux (Thunderbird, Feedly, Inoreader, NetNewsWire…).</p>
          <h1 class="page-title"><xsl:value-of select="atom:title"/></h1>
          <xsl:if test="atom:subtitle"><p class="hint"><xsl:value-of select="atom:subtitle"/></p></xsl:if>
          <p><a href="{atom:link[@rel='alternate']/@href}">Voir la même liste sur le site</a></p>
          <xsl:choose>
            <xsl:when test="atom:entry">
              <ol class="results">
                <xsl:for-each select="atom:entry">
                  <li class="result">
                    <h2 class="result-title">
                      <xsl:choose>
                        <xsl:when test="atom:link[@rel='alternate']"><a href="{atom:link[@rel='alternate']/@href}"><xsl:value-of select="atom:title"/></a></xsl:when>
                        <xsl:otherwise><xsl:value-of select="atom:title"/></xsl:otherwise>
                      </xsl:choose>
                    </h2>
                    <p class="result-meta"><xsl:value-of select="substring(atom:updated, 1, 10)"/>
                      <xsl:if test="atom:author/atom:name"> · <xsl:value-of select="atom:author/atom:name"/></xsl:if>
                      <xsl:if test="atom:link[@rel='related']"> · <a href="{atom:link[@rel='related']/@href}">original</a></xsl:if></p>
                    <p class="snippet"><xsl:value-of select="atom:content"/></p>
                  </li>
                </xsl:for-each>
              </ol>
            </xsl:when>
            <xsl:otherwise><p class="zero-results">Aucun document pour l'instant.</p></xsl:otherwise>
          </xsl:choose>
        </main>
      </body>
    </html>
  </xsl:template>
</xsl:stylesheet>
